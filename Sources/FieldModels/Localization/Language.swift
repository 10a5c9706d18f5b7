/// The language of everything a person reads: Bahasa Indonesia by default, English on request.
public enum Language: String, Sendable, CaseIterable, Codable {
    case id
    case en

    /// Reads a language tag such as `id`, `en`, `en_US.UTF-8`; anything unknown is Indonesian.
    public init(tag: String?) {
        guard let tag = tag?.lowercased(), !tag.isEmpty else { self = .id; return }
        self = tag.hasPrefix("en") ? .en : .id
    }
}

/// A message in both languages, chosen when it is shown.
///
/// ```swift
/// let text = LocalizedText(id: "NIK harus 16 angka", en: "NIK must be 16 digits")
/// print(text[.en])
/// ```
public struct LocalizedText: Sendable, Hashable, Codable, CustomStringConvertible {
    public var id: String
    public var en: String

    public init(id: String, en: String) {
        self.id = id
        self.en = en
    }

    public subscript(language: Language) -> String {
        switch language {
        case .id: id
        case .en: en
        }
    }

    public var description: String { id }
}
