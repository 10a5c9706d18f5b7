/// Responses to one questionnaire as tables, with the form's own question names as columns, so
/// a Dinas's spreadsheets built on an ODK or Kobo export keep working: one sheet of responses
/// (`KEY` is the response id), and one sheet per repeat (`PARENT_KEY` names the response, `KEY`
/// the instance). Notes, groups and repeats hold no column; FieldSync's own columns start with `_`.
public enum FormTable {
    public static let responseColumns = ["_versi", "_kelurahan", "_rumah_tangga", "_orang", "_petugas", "_mulai", "_selesai"]

    /// The sheets, the responses' first; rows in the order given.
    public static func sheets(_ form: FormDefinition, responses: [FormResponse]) -> [(name: String, rows: [[String]])] {
        func questions(_ items: [FormItem]) -> [FormItem] {
            items.flatMap { item -> [FormItem] in
                switch item.kind {
                case .group: questions(item.children)
                case .repeat, .note: []
                default: [item]
                }
            }
        }
        let repeats = form.allItems.filter { $0.kind == .repeat }
        let top = questions(form.items).map(\.name)
        var main: [[String]] = [["KEY"] + top + responseColumns]
        for response in responses {
            main.append([response.id] + top.map { response.answers.answer($0) }
                + [response.formVersion, response.kelurahan, response.household ?? "", response.person ?? "", response.agent ?? "",
                   response.startedOn?.description ?? "", response.completedOn?.description ?? ""])
        }
        var out: [(name: String, rows: [[String]])] = [(String(form.formID.prefix(31)), main)]
        for repeatItem in repeats {
            let columns = questions(repeatItem.children).map(\.name)
            var rows: [[String]] = [["PARENT_KEY", "KEY"] + columns]
            for response in responses {
                for instance in response.answers.instances[repeatItem.name] ?? [] {
                    let key = repeatItem.name + "." + instance
                    rows.append([response.id, response.id + "/" + key] + columns.map { response.answers.answer($0, instance: key) })
                }
            }
            out.append((String(repeatItem.name.prefix(31)), rows))
        }
        return out
    }
}
