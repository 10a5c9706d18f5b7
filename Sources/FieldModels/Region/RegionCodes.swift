/// Province codes of the Kemendagri region code (the first two digits of a NIK or No. KK).
public enum RegionCodes {
    /// The 38 province codes in use (11 Aceh … 96 Papua Barat Daya).
    public static let provinces: Set<String> = [
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    ]

    public static func isProvince(_ code: String) -> Bool { provinces.contains(code) }
}
