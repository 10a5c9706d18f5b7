/// Reads the survey sheet's rows into the tree of items, matching `begin`/`end` rows.
struct SurveyReader {
    let choices: [String: [FormChoice]]

    private struct Open {
        var item: FormItem
        var row: Int
    }

    mutating func read(_ rows: [[String]]) throws(FormReadError) -> [FormItem] {
        let (header, body) = XLSForm.table(rows)
        guard header.contains("type") else {
            throw FormReadError(sheet: "survey", row: 1, column: "type", id: "kolom 'type' tidak ada", en: "column 'type' is missing")
        }
        for column in header where !column.isEmpty {
            let (base, _) = try XLSForm.column(column, sheet: "survey")
            guard XLSForm.surveyColumns.contains(base) else {
                throw FormReadError(sheet: "survey", row: 1, column: column,
                                    id: "kolom '\(column)' di luar yang didukung FieldSync (\(XLSForm.surveyColumns.joined(separator: ", ")))",
                                    en: "column '\(column)' is outside what FieldSync supports (\(XLSForm.surveyColumns.joined(separator: ", ")))")
            }
        }
        var stack: [Open] = [Open(item: FormItem(kind: .group, name: "", row: 1), row: 1)]
        for (number, cells) in body {
            guard let rawType = cells["type"] else {
                throw FormReadError(sheet: "survey", row: number, column: "type", id: "baris ini tidak punya type", en: "this row has no type")
            }
            let words = Self.words(of: rawType)
            switch words {
            case ["end", "group"], ["end", "repeat"]:
                let kind: FormItem.Kind = words[1] == "group" ? .group : .repeat
                guard stack.count > 1, stack.last!.item.kind == kind else {
                    throw FormReadError(sheet: "survey", row: number, column: "type",
                                        id: "'\(rawType)' tanpa 'begin \(words[1])' yang cocok", en: "'\(rawType)' without a matching 'begin \(words[1])'")
                }
                let closed = stack.removeLast()
                stack[stack.count - 1].item.children.append(closed.item)
            case ["begin", "group"], ["begin", "repeat"]:
                let kind: FormItem.Kind = words[1] == "group" ? .group : .repeat
                if kind == .repeat, stack.contains(where: { $0.item.kind == .repeat }) {
                    throw FormReadError(sheet: "survey", row: number, column: "type", id: "repeat di dalam repeat tidak didukung",
                                        en: "a repeat inside a repeat is not supported")
                }
                stack.append(Open(item: try item(kind, cells, number), row: number))
            default:
                stack[stack.count - 1].item.children.append(try question(words, rawType, cells, number))
            }
        }
        guard stack.count == 1 else {
            let open = stack.last!
            throw FormReadError(sheet: "survey", row: open.row, column: "type",
                                id: "'begin \(open.item.kind.rawValue)' \(open.item.name) tidak ditutup dengan 'end \(open.item.kind.rawValue)'",
                                en: "'begin \(open.item.kind.rawValue)' \(open.item.name) is not closed with 'end \(open.item.kind.rawValue)'")
        }
        return stack[0].item.children
    }

    /// The words of a type: `begin_group` and `begin group` alike, `select_one L` as
    /// `select one L` (the list name keeps its case).
    static func words(of rawType: String) -> [String] {
        let parts = rawType.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = parts.first else { return [] }
        let head = first.lowercased().split(separator: "_").map(String.init)
        let known = ["begin", "end", "select"]
        return (known.contains(head.first ?? "") ? head : [first.lowercased()]) + parts.dropFirst().enumerated().map { index, word in
            index == parts.count - 2 && known.contains(head.first ?? "") && head.first == "select" ? word : word.lowercased()
        }
    }

    private func question(_ words: [String], _ rawType: String, _ cells: [String: String], _ number: Int) throws(FormReadError) -> FormItem {
        var kind: FormItem.Kind
        var list: String?
        if words.first == "select" {
            let head = words.dropLast().joined(separator: " ")
            switch head {
            case "select one": kind = .selectOne
            case "select multiple", "select all that apply": kind = .selectMultiple
            case "select":
                throw FormReadError(sheet: "survey", row: number, column: "type", id: "'\(rawType)' perlu nama daftar pilihan (mis. select_one ya_tidak)",
                                    en: "'\(rawType)' needs a choice list name (e.g. select_one yes_no)")
            default: throw unsupported(rawType, number)
            }
            list = words.last!
            guard choices[list!] != nil else {
                throw FormReadError(sheet: "survey", row: number, column: "type",
                                    id: "daftar pilihan '\(list!)' tidak ada di lembar choices", en: "choice list '\(list!)' is not in the choices sheet")
            }
        } else {
            guard words.count == 1, let simple = FormItem.Kind(rawValue: words[0]), simple.holdsValue || simple == .note,
                  ![.selectOne, .selectMultiple].contains(simple) else {
                throw unsupported(rawType, number)
            }
            kind = simple
        }
        var out = try item(kind, cells, number)
        out.list = list
        return out
    }

    private func unsupported(_ rawType: String, _ number: Int) -> FormReadError {
        FormReadError(sheet: "survey", row: number, column: "type",
                      id: "type '\(rawType)' tidak didukung; yang didukung: \(XLSForm.supportedTypes)",
                      en: "type '\(rawType)' is not supported; supported: \(XLSForm.supportedTypes)")
    }

    private func item(_ kind: FormItem.Kind, _ cells: [String: String], _ number: Int) throws(FormReadError) -> FormItem {
        guard let name = cells["name"] else {
            throw FormReadError(sheet: "survey", row: number, column: "name", id: "name wajib diisi", en: "name is required")
        }
        guard FormNames.isValid(name) else {
            throw FormReadError(sheet: "survey", row: number, column: "name",
                                id: "name '\(name)' harus diawali huruf atau _, lalu huruf, angka, _ atau - (tanpa spasi, paling banyak 64)",
                                en: "name '\(name)' must start with a letter or _, then letters, digits, _ or - (no spaces, at most 64)")
        }
        var out = FormItem(kind: kind, name: name, row: number, label: try XLSForm.text("label", in: cells, sheet: "survey"))
        out.hint = try XLSForm.text("hint", in: cells, sheet: "survey")
        out.constraintMessage = try XLSForm.text("constraint_message", in: cells, sheet: "survey")
        out.relevant = cells["relevant"]
        out.constraint = cells["constraint"]
        out.calculation = cells["calculation"]
        out.defaultValue = cells["default"]
        out.choiceFilter = cells["choice_filter"]
        switch cells["required"]?.lowercased() {
        case nil, "no", "false", "false()": out.required = nil
        case "yes", "true", "true()": out.required = "true()"
        default: out.required = cells["required"]
        }
        return out
    }
}

/// The checks of a whole form: names, labels, what each kind of item may carry, and every
/// expression parsed with its references known.
enum FormChecks {
    static func check(_ form: FormDefinition) throws(FormReadError) {
        var names: [String: Int] = [:]
        var repeatOf: [String: String] = [:]
        var kindOf: [String: FormItem.Kind] = [:]
        func collect(_ items: [FormItem], inRepeat: String?) throws(FormReadError) {
            for item in items {
                if let first = names[item.name] {
                    throw FormReadError(sheet: "survey", row: item.row, column: "name",
                                        id: "name '\(item.name)' sudah dipakai di baris \(first)", en: "name '\(item.name)' is already used on row \(first)")
                }
                names[item.name] = item.row
                kindOf[item.name] = item.kind
                if let inRepeat { repeatOf[item.name] = inRepeat }
                try collect(item.children, inRepeat: item.kind == .repeat ? item.name : inRepeat)
            }
        }
        try collect(form.items, inRepeat: nil)
        guard form.allItems.contains(where: { $0.kind.holdsValue }) else {
            throw FormReadError(sheet: "survey", id: "kuesioner tidak punya satu pertanyaan pun", en: "the questionnaire has no question")
        }
        for item in form.allItems {
            let row = item.row
            if item.kind == .calculate, item.calculation == nil {
                throw FormReadError(sheet: "survey", row: row, column: "calculation", id: "calculate '\(item.name)' perlu calculation",
                                    en: "calculate '\(item.name)' needs a calculation")
            }
            if item.kind != .calculate, item.calculation != nil {
                throw FormReadError(sheet: "survey", row: row, column: "calculation", id: "calculation hanya untuk type calculate",
                                    en: "a calculation is only for type calculate")
            }
            if item.kind.isAsked || item.kind == .note, item.label == nil, item.hint == nil {
                throw FormReadError(sheet: "survey", row: row, column: "label", id: "'\(item.name)' perlu label atau hint",
                                    en: "'\(item.name)' needs a label or a hint")
            }
            if item.choiceFilter != nil, item.list == nil {
                throw FormReadError(sheet: "survey", row: row, column: "choice_filter", id: "choice_filter hanya untuk select_one/select_multiple",
                                    en: "a choice_filter is only for select_one/select_multiple")
            }
            if !item.kind.isAsked {
                for (column, value) in [("required", item.required), ("constraint", item.constraint), ("default", item.defaultValue)] where value != nil {
                    throw FormReadError(sheet: "survey", row: row, column: column, id: "\(column) tidak berlaku untuk \(item.kind.rawValue)",
                                        en: "\(column) does not apply to \(item.kind.rawValue)")
                }
            }
            let columns = [("relevant", item.relevant), ("constraint", item.constraint), ("calculation", item.calculation),
                           ("required", item.required), ("choice_filter", item.choiceFilter)]
            for (column, source) in columns {
                guard let source else { continue }
                let tree: FormExpression
                do { tree = try FormExpression.parse(source, columns: column == "choice_filter") } catch {
                    throw FormReadError(sheet: "survey", row: row, column: column, id: "\(error.message.id) (karakter ke-\(error.position + 1))",
                                        en: "\(error.message.en) (at character \(error.position + 1))")
                }
                for name in tree.references {
                    guard let kind = kindOf[name] else {
                        throw FormReadError(sheet: "survey", row: row, column: column, id: "${\(name)} tidak ada di kuesioner ini",
                                            en: "${\(name)} is not in this questionnaire")
                    }
                    guard kind.holdsValue else {
                        throw FormReadError(sheet: "survey", row: row, column: column, id: "${\(name)} adalah \(kind.rawValue), bukan pertanyaan",
                                            en: "${\(name)} is a \(kind.rawValue), not a question")
                    }
                    if let inner = repeatOf[name], repeatOf[item.name] != inner, item.name != inner {
                        throw FormReadError(sheet: "survey", row: row, column: column,
                                            id: "${\(name)} ada di dalam repeat \(inner); hanya bisa dirujuk dari repeat itu",
                                            en: "${\(name)} is inside repeat \(inner); it can be referred to only from that repeat")
                    }
                    if name == item.name, column != "constraint" {
                        throw FormReadError(sheet: "survey", row: row, column: column, id: "'\(name)' merujuk dirinya sendiri; pakai . di constraint",
                                            en: "'\(name)' refers to itself; use . in a constraint")
                    }
                }
                if tree.usesCurrent, column != "constraint", column != "choice_filter" {
                    throw FormReadError(sheet: "survey", row: row, column: column, id: ". hanya berlaku di constraint", en: ". only applies in a constraint")
                }
            }
        }
    }
}
