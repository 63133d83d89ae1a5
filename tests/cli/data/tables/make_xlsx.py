#!/usr/bin/python3
"""Write ledger.xlsx (tests/cli/cases 0052-0053): a workbook as a district
office keeps it -- a first sheet of notes, then the 网点台账 sheet with a
title row above the header, units in the headers and 业态 in the bureau's
own words.  Plain zipfile + SpreadsheetML with inline strings (no library)."""
import sys
import zipfile
from xml.sax.saxutils import escape

NOTES = [["填表说明"], ["坐标为高德(GCJ-02)"]]
LEDGER = [
    ["玄武区一刻钟便民生活圈网点台账（2024年）"],
    [],
    ["序号", "网点名称", "业态", "地址", "经度", "纬度", "营业面积（㎡）", "从业人数(人)"],
    ["1", "苏果便利(珠江路店)", "社区便利店", "珠江路88号", "118.7849", "32.0481", "60", "3"],
    ["2", "老王早点铺", "早点铺", "珠江路90号", "118.7853", "32.0479", "25", "2"],
    ["3", "兰园农贸市场", "农贸市场", "兰园12号", "118.7871", "32.0466", "900", "40"],
    ["4", "小修小补社区工坊", "小修小补", "碑亭巷3号", "118.7860", "32.0490", "12", "1"],
    ["5", "菜鸟驿站(兰园店)", "快递驿站", "兰园15号", "118.7868", "32.0470", "30", "2"],
    ["6", "阳光托育", "托育站点", "珠江路100号", "118.7841", "32.0485", "200", "8"],
]


def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def sheet(rows):
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate(rows, 1):
        out.append(f'<row r="{r}">')
        for c, v in enumerate(row):
            ref = f"{col(c)}{r}"
            try:
                float(v)
                out.append(f'<c r="{ref}"><v>{v}</v></c>')
            except ValueError:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def main(path):
    sheets = [("说明", NOTES), ("网点台账", LEDGER)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        def put(name, text):
            zi = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            z.writestr(zi, text)
        put("[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, len(sheets) + 1)) + "</Types>")
        put("_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>")
        put("xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, (n, _) in enumerate(sheets, 1))
            + "</sheets></workbook>")
        put("xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(sheets) + 1)) + "</Relationships>")
        for i, (_, rows) in enumerate(sheets, 1):
            put(f"xl/worksheets/sheet{i}.xml", sheet(rows))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "ledger.xlsx")
