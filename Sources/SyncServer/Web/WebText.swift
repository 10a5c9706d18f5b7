import FieldModels

/// The fixed words of the Dinas pages in both languages, by key, as the templates read them
/// (`{{t.key}}`): Bahasa Indonesia by default, English when asked (`?lang=en`, then remembered).
enum WebText {
    static func table(_ language: Language) -> [String: String] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.key, language == .en ? $0.en : $0.id) })
    }

    private static let entries: [(key: String, id: String, en: String)] = [
        ("menu", "Menu utama", "Main menu"), ("menuSPM", "Indikator SPM", "SPM indicators"), ("menuCoverage", "Cakupan", "Coverage"),
        ("menuReports", "Laporan bulanan", "Monthly reports"), ("menuConflicts", "Konflik", "Conflicts"), ("menuStaff", "Akun staf", "Staff accounts"),
        ("logout", "Keluar", "Log out"), ("otherCode", "en", "id"), ("otherLanguage", "English", "Bahasa Indonesia"),
        ("footer", "FieldSync · data dari laptop PSM, TKSK dan pendamping PKH, digabung di server Dinas.",
         "FieldSync · data from the laptops of PSM, TKSK and PKH facilitators, merged on the Dinas server."),
        ("loginIntro", "Masuk dengan akun staf Dinas Sosial. Akun dibuat operator server dengan",
         "Log in with a Dinas Sosial staff account. The server operator makes accounts with"),
        ("username", "Nama pengguna", "User name"), ("password", "Kata sandi", "Password"), ("login", "Masuk", "Log in"),
        ("coverageRule", "Cara menghitung: data yang ada sekarang menurut gabungan semua perubahan yang diterima server (data yang dihapus tidak dihitung), menurut kelurahan tempatnya kini. \"Data PSM\" berarti ada PSM yang pernah menulis data di kelurahan itu. Perangkat diam: tidak ada kabar selama jumlah hari yang dipilih atau lebih, baik sinkron langsung maupun lewat relai TKSK.",
         "How it is counted: the records there now, by the merge of every change the server received (deleted ones not counted), by the kelurahan where they lie now. \"PSM data\" means some PSM has written records in that kelurahan. Quiet devices: nothing heard of them for the chosen number of days or more, by their own sync or a TKSK's relay."),
        ("quietAfter", "Perangkat diam setelah (hari)", "Devices quiet after (days)"), ("show", "Tampilkan", "Show"),
        ("heatTitle", "Peta panas: rumah tangga per kelurahan", "Heat table: households per kelurahan"), ("download", "Unduh", "Download"),
        ("perKelurahan", "Per kelurahan", "Per kelurahan"), ("code", "Kode", "Code"), ("households", "Rumah tangga", "Households"),
        ("persons", "Orang", "Persons"), ("visits", "Kunjungan", "Visits"), ("cases", "Kasus layanan", "Service cases"),
        ("psmData", "Data PSM", "PSM data"), ("yes", "ya", "yes"), ("none", "belum ada", "none yet"), ("devices", "Perangkat", "Devices"),
        ("devicesCaption", "Sinkron terakhir per perangkat (WIB)", "Last sync per device (Jakarta time)"), ("device", "Perangkat", "Device"),
        ("agent", "Petugas", "Agent"), ("lastSync", "Sinkron langsung terakhir", "Last direct sync"), ("newestChange", "Perubahan terbaru", "Newest change"),
        ("path", "Jalur", "Path"), ("quiet", "Diam", "Quiet"),
        ("reportsRule", "Laporan bulanan PSM dan TKSK (Perwal Semarang 86/2020 Pasal 20–26), menurut data yang sudah sampai di server. Batas pengajuan: tanggal 15 bulan berikutnya (WIB). Terlambat: diajukan setelah batas itu, atau belum diajukan (konsep, dikembalikan) ketika batas sudah lewat. Keputusan Dinas sampai ke laptop petugas pada sinkronisasi berikutnya.",
         "Monthly reports of PSM and TKSK (Perwal Semarang 86/2020 Pasal 20–26), as they have reached the server. Deadline: the 15th of the next month (Jakarta time). Late: submitted after it, or not submitted (draft, returned) once it has passed. The Dinas's decision reaches the agent's laptop at its next sync."),
        ("month", "Bulan", "Month"), ("monthFormat", "TTTT-BB", "YYYY-MM"), ("reportsOf", "Laporan bulan", "Reports of"), ("area", "Wilayah", "Area"),
        ("submitted", "Diajukan", "Submitted"), ("deadline", "Batas", "Deadline"), ("onTime", "Tepat waktu", "On time"), ("decision", "Keputusan", "Decision"),
        ("conflict", "konflik", "conflict"), ("late", "terlambat", "late"), ("reason", "Alasan (wajib bila dikembalikan)", "Reason (required to return)"),
        ("approve", "Setujui", "Approve"), ("return", "Kembalikan", "Return"),
        ("conflictsRule", "Dua petugas mengubah data yang sama tanpa saling tahu, dengan nilai berbeda; atau satu menghapus sementara yang lain mengubah. Kedua nilai disimpan sampai seseorang memutuskan. Pilihan Dinas ditulis sebagai perubahan server dan sampai ke laptop petugas pada sinkronisasi berikutnya.",
         "Two agents changed the same data unaware of each other, with different values; or one deleted it while another edited it. Both are kept until a person decides. The Dinas's choice is written as a change of the server and reaches the agents' laptops at their next sync."),
        ("areaCode", "Wilayah (kode kecamatan atau kelurahan)", "Area (kecamatan or kelurahan code)"), ("competing", "Nilai yang bersaing", "Competing values"),
        ("choose", "Pilih", "Choose"), ("value", "Nilai", "Value"), ("time", "Waktu (WIB)", "Time (Jakarta)"), ("keep", "Pertahankan data", "Keep the record"),
        ("delete", "Hapus data", "Delete the record"), ("useChosen", "Pakai nilai yang dipilih", "Use the chosen value"),
        ("spmIntro", "Standar Pelayanan Minimal bidang sosial (Permensos 9/2018): lima pelayanan dasar rehabilitasi sosial di luar panti dan perlindungan korban bencana. Indikator = X / Y × 100%, target 100% per tahun anggaran. Dihitung dari data yang sudah sampai di server.",
         "Minimum service standard of the social field (Permensos 9/2018): five basic services of social rehabilitation outside institutions and the protection of disaster victims. Indicator = X / Y × 100%, target 100% per budget year. Counted from the data that has reached the server."),
        ("year", "Tahun anggaran", "Budget year"), ("howCounted", "Cara menghitung.", "How it is counted."), ("xServed", "X (terlayani)", "X (served)"),
        ("yNeed", "Y (membutuhkan)", "Y (in need)"), ("achieved", "Capaian", "Achieved"), ("details", "rincian", "details"),
        ("backToSPM", "Kembali ke indikator SPM", "Back to the SPM indicators of"), ("countedInY", "Yang dihitung dalam Y", "Counted in Y"),
        ("subject", "Orang / rumah tangga", "Person / household"), ("entry", "Entri PMKS", "PMKS entry"), ("servedX", "Terlayani (X)", "Served (X)"),
        ("servedBy", "Oleh", "By"), ("notYet", "belum", "not yet"), ("notCounted", "Entri yang tidak dihitung", "Entries not counted"), ("why", "Alasan", "Why"),
        ("staffRule", "Akun staf halaman Dinas. Peran: pembaca (melihat), operator (juga memutuskan laporan dan konflik), admin (juga mengelola akun). Kata sandi minimal 10 karakter dan disimpan hanya sebagai hash bcrypt; menonaktifkan akun langsung mengakhiri sesinya.",
         "Staff accounts of the Dinas pages. Roles: viewer (reads), operator (also decides reports and conflicts), admin (also manages accounts). Passwords have at least 10 characters and are kept only as bcrypt hashes; disabling an account ends its sessions at once."),
        ("fullName", "Nama lengkap", "Full name"), ("role", "Peran", "Role"), ("action", "Tindakan", "Action"), ("disable", "Nonaktifkan", "Disable"),
        ("addAccount", "Tambah akun", "Add an account"), ("roleViewer", "pembaca", "viewer"), ("initialPassword", "Kata sandi awal", "Initial password"),
        ("add", "Tambah", "Add"),
        ("menuForms", "Kuesioner", "Questionnaires"),
        ("formsRule", "Kuesioner yang diterbitkan Dinas (field-server form add, dari spreadsheet XLSForm) dan jawaban yang sudah sampai di server. Satu baris per versi; jawaban versi lama tetap pada versinya. Lengkap: semua pertanyaan wajib di jalur jawabannya terisi. Unduhan memakai nama kolom kuesioner, satu lembar per repeat.",
         "Questionnaires the Dinas published (field-server form add, from an XLSForm spreadsheet) and the responses that have reached the server. One row per version; responses to an old version stay with it. Complete: every required question on its path is answered. Downloads use the questionnaire's column names, one sheet per repeat."),
        ("formID", "form_id", "form_id"), ("version", "Versi", "Version"), ("titleColumn", "Judul", "Title"), ("audience", "Untuk", "For"),
        ("responses", "Jawaban", "Responses"), ("complete", "Lengkap", "Complete"), ("latest", "Terbaru", "Latest"), ("allRoles", "semua peran", "every role"),
        ("responsesOf", "Jawaban kuesioner", "Responses to"), ("backToForms", "Kembali ke daftar kuesioner", "Back to the questionnaires"),
        ("noForms", "Belum ada kuesioner. Terbitkan dengan: field-server form add BERKAS.xlsx", "No questionnaires yet. Publish one with: field-server form add FILE.xlsx"),
    ]
}
