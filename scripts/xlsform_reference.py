"""What pyxform (ODK's own XLSForm converter) reads from each XLSForm given: one JSON line per
file, either {"ok": true, "items": [...]} with every survey element in order (path, type, choice
list, labels and the expressions as written) or {"ok": false, "error": "..."} when pyxform
refuses the form. FieldSync's reader is compared with it (XLSFormReferenceTests)."""
import json
import sys

from pyxform import xls2json
from pyxform.xls2xform import convert

TYPES = {"select one": "select_one", "select all that apply": "select_multiple", "photo": "image"}


def truthy_required(value):
    if value is None:
        return None
    if str(value).strip().lower() in ("yes", "true", "true()"):
        return "true()"
    if str(value).strip().lower() in ("no", "false", "false()", ""):
        return None
    return value


def label(value, language):
    if value is None:
        return None
    if isinstance(value, str):
        return value
    for key, text in value.items():
        if key == language or key.endswith("(" + language + ")"):
            return text
    return next(iter(value.values()))


def walk(children, prefix, out):
    for child in children:
        if child.get("name") == "meta" and child.get("control", {}).get("bodyless"):
            continue
        path = prefix + child["name"]
        bind = child.get("bind", {})
        out.append({
            "path": path,
            "type": TYPES.get(child["type"], child["type"]),
            "list": child.get("list_name"),
            "label_id": label(child.get("label"), "id"),
            "label_en": label(child.get("label"), "en"),
            "relevant": bind.get("relevant"),
            "constraint": bind.get("constraint"),
            "required": truthy_required(bind.get("required")),
            "calculation": bind.get("calculate"),
            "choice_filter": child.get("choice_filter"),
        })
        walk(child.get("children", []), path + "/", out)


for path in sys.argv[1:]:
    try:
        convert(xlsform=path, validate=False, pretty_print=False)
        data = xls2json.parse_file_to_json(path)
        items = []
        walk(data["children"], "", items)
        print(json.dumps({"ok": True, "id": data.get("id_string"), "version": data.get("version"), "items": items}, ensure_ascii=False))
    except Exception as error:  # pyxform refuses with PyXFormError, sometimes with others
        print(json.dumps({"ok": False, "error": type(error).__name__ + ": " + str(error)[:300]}, ensure_ascii=False))
