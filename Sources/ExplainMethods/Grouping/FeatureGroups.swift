import ExplainTensor

/// Features joined into players: a perturbation method then masks a group's features together and gives it one
/// attribution (captum's `feature_mask`, lime's collapsed dummy columns).
///
/// Every feature is in at most one named group; a feature in none is a group of its own, named after it. Groups are
/// ordered by their first feature.
public struct FeatureGroups: Sendable, Equatable {
    /// One player: its name and the indices of its features, ascending.
    public struct Group: Sendable, Equatable {
        public var name: String
        public var members: [Int]

        public init(name: String, members: [Int]) {
            self.name = name
            self.members = members
        }
    }

    /// The players, ordered by their first feature.
    public let groups: [Group]
    /// The number of features the groups cover (every one, once).
    public let featureCount: Int

    /// Groups of `featureNames` from `(name, features)` pairs.
    /// - Throws: `ExplainError(.invalidArgument)` at `at` for a feature that is unknown, listed twice or in two groups
    ///   (naming it and the groups), an empty group, or a group name that repeats or equals an ungrouped feature's name.
    public init(_ named: [(name: String, features: [String])], featureNames: [String],
                at location: String = "groups") throws(ExplainError) {
        var index: [String: Int] = [:]
        for (i, f) in featureNames.enumerated() where index[f] == nil { index[f] = i }
        var owner = [String?](repeating: nil, count: featureNames.count)
        var found: [Group] = []
        var names = Set<String>()
        for (name, features) in named {
            guard !features.isEmpty else {
                throw ExplainError(.invalidArgument, "group \(Echo.quoted(name)) has no features", at: location)
            }
            guard names.insert(name).inserted else {
                throw ExplainError(.invalidArgument, "group \(Echo.quoted(name)) is given twice", at: location)
            }
            var members: [Int] = []
            for f in features {
                guard let i = index[f] else {
                    throw ExplainError(.invalidArgument, "group \(Echo.quoted(name)) names unknown feature \(Echo.quoted(f)); "
                                       + "features are \(Echo.list(featureNames))", at: location)
                }
                if let other = owner[i] {
                    throw ExplainError(.invalidArgument, "feature \(Echo.quoted(f)) is in group \(Echo.quoted(other))"
                                       + (other == name ? " twice" : " and in group \(Echo.quoted(name))")
                                       + "; a feature may be in one group only", at: location)
                }
                owner[i] = name
                members.append(i)
            }
            found.append(Group(name: name, members: members.sorted()))
        }
        for (i, f) in featureNames.enumerated() where owner[i] == nil {
            guard names.insert(f).inserted else {
                throw ExplainError(.invalidArgument, "group name \(Echo.quoted(f)) is also the name of an ungrouped feature",
                                   at: location)
            }
            found.append(Group(name: f, members: [i]))
        }
        groups = found.sorted { $0.members[0] < $1.members[0] }
        featureCount = featureNames.count
    }

    /// Every feature its own group.
    public init(singletons featureNames: [String]) {
        groups = featureNames.enumerated().map { Group(name: $0.element, members: [$0.offset]) }
        featureCount = featureNames.count
    }

    /// The players' names, in order.
    public var names: [String] { groups.map(\.name) }
    /// The number of players.
    public var count: Int { groups.count }
}
