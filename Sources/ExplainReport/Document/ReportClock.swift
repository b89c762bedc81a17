import Foundation

/// The date a report shows and stamps into its PDF, and whether the run asked for byte-reproducible output.
///
/// With `SOURCE_DATE_EPOCH` set (seconds since 1970, the reproducible-builds convention), the date is that instant and
/// run-dependent measurements (wall time) are left out, so two runs of the same inputs give the same PDF and PNG
/// bytes. Otherwise the date is the run's own time, and the PDF's `/CreationDate` is that same instant rather than
/// the moment Cairo finishes the file.
public enum ReportClock {
    /// The environment variable read.
    public static let variable = "SOURCE_DATE_EPOCH"

    /// `SOURCE_DATE_EPOCH` as a date, when it is set to a whole number of seconds (other values are ignored).
    public static func sourceDate(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Date? {
        guard let text = environment[variable], let seconds = Int64(text.trimmingCharacters(in: .whitespaces)),
              seconds >= 0, seconds < 253_402_300_800 else { return nil }   // before year 10000
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Whether output must be byte-reproducible (`SOURCE_DATE_EPOCH` is set and valid).
    public static var isReproducible: Bool { sourceDate() != nil }

    /// The report's date: `SOURCE_DATE_EPOCH` when set, else now, as ISO 8601 in UTC (`2026-12-07T18:40:24Z`).
    public static func now() -> String { format(sourceDate() ?? Date()) }

    /// ISO 8601 in UTC, whole seconds.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// The PDF metadata form of an ISO 8601 date as `format` writes it (Cairo takes `YYYY-MM-DDThh:mm:ssZ`), or nil
    /// when `date` is not one.
    static func pdfDate(_ date: String) -> String? {
        ISO8601DateFormatter().date(from: date).map(format)
    }
}
