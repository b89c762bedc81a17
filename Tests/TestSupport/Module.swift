import ExplainKit
