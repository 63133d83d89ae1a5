#!/usr/bin/python3
"""quarter report on the small planning project of tests/cli/data/plan:
the PDF's text and pages, the PNG's pixels, the 调查表 read back cell by cell
against a circle worked by hand, indicators.xlsx, the GeoPackage's layers, and
bad input (unknown circle, unwritable folder, a sites file of another
project, a folder that is no report).

usage: test_report.py QUARTER SOURCE_DIR
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile

QUARTER, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
PLAN = os.path.join(SRC, "tests", "cli", "data", "plan")
PROJECT = os.path.join(PLAN, "base.project")
SITES = os.path.join(PLAN, "sites.csv")
failures = []
passed = 0


def check(cond, what):
    global passed
    if cond:
        passed += 1
        print("ok   " + what)
    else:
        failures.append(what)
        print("FAIL " + what)


def run(args, env=None):
    # messages in English, as in the CLI cases (quarter's default is Chinese); the report's own texts are Chinese
    e = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    e["LANG"] = "en_US.UTF-8"
    e.update(env or {})
    return subprocess.run([QUARTER] + args, capture_output=True, text=True, env=e)


for tool in ("pdftotext", "pdfinfo", "ogrinfo"):
    if not shutil.which(tool):
        print("skip: %s is missing (scripts/install-deps.sh installs poppler-utils, gdal-bin)" % tool)
        sys.exit(77)
try:
    import numpy as np
    import openpyxl
    from osgeo import gdal
except ImportError as e:
    print("skip: %s (scripts/install-deps.sh installs python3-openpyxl, python3-gdal, python3-numpy)" % e)
    sys.exit(77)

tmp = tempfile.mkdtemp(prefix="qt-report-")
ana = os.path.join(tmp, "analysis")
out = os.path.join(tmp, "report")
env = {"SOURCE_DATE_EPOCH": "1700000000"}  # 2023-11-14

r = run(["analyze", PROJECT, "-o", ana, "-q"])
check(r.returncode == 0, "analyze runs" + ("" if r.returncode == 0 else ": " + r.stderr[-300:]))
r = run(["report", PROJECT, "-o", out, "--sites", SITES, "-q"], env)
check(r.returncode == 0, "report runs" + ("" if r.returncode == 0 else ": " + r.stderr[-300:]))


def read_csv(path):
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


grades = {g["circle"]: g["grade"] for g in read_csv(os.path.join(ana, "grades.csv"))}
demand = read_csv(os.path.join(ana, "demand.csv"))
circles = [c for c in grades if c != "全市"]
check(circles == ["东圈", "西圈"], "two circles: %s" % circles)


def pdf_text(path):
    t = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
    return "".join(t.split())  # wrapped lines joined


def pdf_pages(path):
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    return int([l for l in info.splitlines() if l.startswith("Pages:")][0].split()[1])


# ---- the PDFs --------------------------------------------------------------------------
for c in circles:
    t = pdf_text(os.path.join(out, c + ".pdf"))
    check(c in t, "%s.pdf names its circle" % c)
    check("等级:" + grades[c] in t, "%s.pdf gives its grade %s" % (c, grades[c]))
    missing = [d["zh"] for d in demand if d["circle"] == c and d["status"] == "missing"]
    lost = [m for m in missing if m not in t]
    check(missing and not lost, "%s.pdf lists every missing 业态 of its 需求清单 (%d; absent: %s)" % (c, len(missing), lost))
    check(pdf_pages(os.path.join(out, c + ".pdf")) == 1, "%s.pdf is one page" % c)
    for word in ("图例", "OpenStreetMap", "北", "米", "数据来源", "2023年11月14日", "业态网点清单", "项目清单"):
        check(word in t, "%s.pdf shows %s" % (c, word))
east = pdf_text(os.path.join(out, "东圈.pdf"))
west = pdf_text(os.path.join(out, "西圈.pdf"))
check("s-east" in east and "新设菜市场" in east, "东圈.pdf lists its recommended site s-east (菜市场)")
check("s-west" in west and "新设早餐店" in west, "西圈.pdf lists its recommended site s-west (早餐店)")
city = os.path.join(out, "城市报告.pdf")
ct = pdf_text(city)
check(pdf_pages(city) == len(circles) + 3, "城市报告.pdf has %d pages = circles + cover, table, map" % pdf_pages(city))
check(all(c in ct for c in circles) and "s-east" in ct and "s-west" in ct, "城市报告.pdf holds every circle and site")
check("生活圈一览" in ct and "全市生活圈分布" in ct, "城市报告.pdf has the table of circles and the city map")
info = subprocess.run(["pdfinfo", city], capture_output=True, text=True).stdout
check("2023" in [l for l in info.splitlines() if l.startswith("CreationDate")][0], "PDF date from SOURCE_DATE_EPOCH")

# ---- the grade's reasons on the page: in the catalogue's language, Chinese by default ----------
REASONS = os.path.join(PLAN, "reasons.project")  # a lax 基础型 and a 提升型 with every kind of rule
nows = lambda t: "".join(t.split())
why = {g["circle"]: g["reasons"] for g in read_csv(os.path.join(ana, "grades.csv"))}
check(nows(why["东圈"]) in east and "basic present" in why["东圈"],
      "--lang en: 东圈.pdf gives the reasons of grades.csv in English (%s)" % why["东圈"])
for lang, env_lang in (("zh", {"LANG": ""}), ("en", {"LANG": "en_US.UTF-8"})):
    rdir, adir = os.path.join(tmp, "reasons-" + lang), os.path.join(tmp, "reasons-analysis-" + lang)
    r1 = run(["analyze", REASONS, "-o", adir, "-q"], env_lang)
    r2 = run(["report", REASONS, "-o", rdir, "--circle", "东圈", "--format", "pdf,gpkg", "-q"], dict(env, **env_lang))
    check(r1.returncode == 0 and r2.returncode == 0, "%s: analyze and report of reasons.project run%s" % (lang, "" if r2.returncode == 0 else ": " + r2.stderr[-300:]))
    if r2.returncode != 0:
        continue
    w = {g["circle"]: g["reasons"] for g in read_csv(os.path.join(adir, "grades.csv"))}["东圈"]
    # the text inside the right-hand column (x 920-1170 pt, page_circle.c x2/w2) from its top to 指标与目标
    t = nows(subprocess.run(["pdftotext", "-r", "72", "-x", "920", "-y", "70", "-W", "250", "-H", "300",
                             os.path.join(rdir, "东圈.pdf"), "-"], capture_output=True, text=True).stdout)
    ds = gdal.OpenEx(os.path.join(rdir, "analysis.gpkg"))
    gw = [f.GetField("reasons") for f in ds.GetLayerByName("circles") if f.GetField("name") == "东圈"]
    if lang == "zh":
        want = ("达到基础型：基本保障类业态 3/13 项达标。未达提升型：基本保障类业态 3/13 项达标（须全部达标）；品质提升类业态 2 项达标 < 6 项；"
                "0% 的居民步行可达全部基本保障类业态 < 80%；0/1 个社区达标；品牌连锁化率 0% < 30%；满意度问卷 3 份 < 50 份，暂不有效")
    else:
        want = ("基础型: 3 of 13 basic present — not 提升型: 3 of 13 basic present (all needed); 2 quality < 6; "
                "all basic in reach for 0% of residents < 80%; 0 of 1 communities covered; chain share 0% < 30%; "
                "satisfaction n = 3 < 50, not yet valid")
    check(w == want, "%s: grades.csv words 东圈's reasons (%s)" % (lang, w))
    check(("等级与理由" + nows(want) + "。人口1469人,居住点29个,社区1个。指标与目标") in t,
          "%s: 东圈.pdf gives them under 等级与理由, within its column" % lang)
    check(gw == [want], "%s: analysis.gpkg's circles layer gives them (%s)" % (lang, gw))
    ds = None

# ---- the PNG ------------------------------------------------------------------------------
ds = gdal.Open(os.path.join(out, "东圈.png"))
img = np.dstack([ds.GetRasterBand(b + 1).ReadAsArray() for b in range(3)]).astype(int)
k = ds.RasterXSize / 1190.55  # pixels per point (96 dpi: 1.333)
check(abs(ds.RasterXSize - 1588) <= 1 and abs(ds.RasterYSize - 1123) <= 1, "PNG is A3 at 96 dpi")


def box(x0, y0, x1, y1):
    return img[int(y0 * k):int(y1 * k), int(x0 * k):int(x1 * k)]


MAP = box(28, 78, 648, 698)      # the circle's map (report_internal.h QT__MAP_*)
LEGEND = box(28, 704, 648, 830)  # the legend under it


def count(region, rgb, tol=0):
    return int((np.abs(region - np.array(rgb)).max(axis=2) <= tol).sum())


g = MAP
grey = (np.abs(g[:, :, 0] - g[:, :, 1]) < 4) & (np.abs(g[:, :, 1] - g[:, :, 2]) < 4) & (g[:, :, 0] > 0x78) & (g[:, :, 0] < 0xD0)
check(int(grey.sum()) > 500, "streets drawn in the map (%d grey pixels)" % int(grey.sum()))
bg = np.array((0xFA, 0xFA, 0xF7))
blind = 0.55 * np.array((0xE0, 0x30, 0x30)) + 0.45 * bg
check(count(MAP, blind, 3) > 50, "盲区 colour drawn in the map")
check(count(MAP, (0x1F, 0x3A, 0x93), 2) > 30, "circle boundary drawn")
check(count(MAP, (0xD0, 0x10, 0x80), 2) > 20, "recommended site drawn")
# outlet symbols of each class: basic discs from one palette, quality squares from the other
PAL_B = [(0x1f, 0x77, 0xb4), (0xff, 0x7f, 0x0e), (0x2c, 0xa0, 0x2c), (0x94, 0x67, 0xbd), (0x8c, 0x56, 0x4b),
         (0x17, 0xbe, 0xcf), (0xbc, 0xbd, 0x22), (0x00, 0x5f, 0x5f), (0xf5, 0xb7, 0x00), (0x6a, 0x3d, 0x9a),
         (0x00, 0x99, 0x66), (0xa6, 0x56, 0x28), (0x33, 0x33, 0x99), (0x99, 0x66, 0x00)]
PAL_Q = [(0x00, 0x3f, 0x7f), (0xb3, 0x4d, 0x00), (0x1b, 0x5e, 0x20), (0x4a, 0x14, 0x8c), (0x5d, 0x40, 0x37),
         (0x00, 0x83, 0x8f), (0x82, 0x77, 0x17), (0xad, 0x14, 0x57), (0xff, 0x6f, 0x00), (0x28, 0x35, 0x93),
         (0x2e, 0x7d, 0x32), (0x8d, 0x6e, 0x63), (0x00, 0x60, 0x64), (0x6d, 0x4c, 0x41)]
basic_drawn = [p for p in PAL_B if count(MAP, p) >= 6]
quality_drawn = [p for p in PAL_Q if count(MAP, p) >= 6]
check(len(basic_drawn) >= 2, "basic outlet symbols drawn (%d colours)" % len(basic_drawn))
check(len(quality_drawn) >= 2, "quality outlet symbols drawn (%d colours)" % len(quality_drawn))
unlisted = [p for p in basic_drawn + quality_drawn if count(LEGEND, p) < 6]
check(not unlisted, "the legend shows every outlet colour drawn (missing %s)" % unlisted)
check(count(box(28, 20, 648, 50), (0, 0, 0), 40) > 300, "the title is inked")

# ---- 调查表.xlsx ----------------------------------------------------------------------------
wb = openpyxl.load_workbook(os.path.join(out, "调查表.xlsx"))
check(wb.sheetnames == ["全市汇总", "东圈", "西圈"], "调查表 sheets: %s" % wb.sheetnames)
ws = wb["东圈"]
# the rows and headers of Tianshui's 附件5 (seed 002, lines 134-164)
SEED_BASIC = ["便利店", "综合超市", "菜市场", "生鲜超市(菜店)", "早餐店", "维修点", "洗染店", "美容美发店", "照相文印店",
              "药店", "家政服务", "邮政快递综合服务点(快件箱组)", "再生资源回收点", "其他"]
SEED_QUALITY = ["新式书店", "运动健身", "特色餐饮店", "养老站点", "托育站点", "保健养生", "教育培训", "休闲娱乐", "其他"]
HEAD = ["分类", "主要业态网点", "商业网点(店铺)数量合计(个)", "从业人数(万人)", "其中:品牌连锁店数量(个)", "居民满意度(%)",
        "问需于民调查时居民反映还“缺什么”(需求清单)"]
check(ws["A1"].value == "试点便民生活圈建设情况调查表", "title row")
check([ws.cell(6, c).value for c in range(1, 8)] == HEAD, "column headers as the seed's")
check([ws.cell(r, 2).value for r in range(8, 8 + 14)] == SEED_BASIC, "basic rows as the seed's")
check([ws.cell(r, 2).value for r in range(22, 22 + 9)] == SEED_QUALITY, "quality rows as the seed's")
check(ws["A8"].value == "基本保障类" and ws["A22"].value == "品质提升类" and ws["A7"].value == "合 计", "class cells")
merged = {str(m) for m in ws.merged_cells.ranges}
check({"A1:G1", "A8:A21", "A22:A30", "A7:B7"} <= merged, "merged cells like the original")
check(ws["A3"].value.startswith("运营主体") and ws["D3"].value == "发展形态" and "集聚式为主" in ws["E3"].value,
      "运营主体 / 发展形态 header block")
check(ws["A4"].value == "社区商业中心(邻里中心)数量(座)" and ws["D4"].value == "生活圈服务覆盖的居民数量(万人)",
      "社区商业中心 / 覆盖居民 header block")
check(ws["A5"].value == "社区商业和综合服务设施面积占社区总建筑面积的比例(%)", "面积占比 row")
check(ws["A1"].value and ws["B8"].border.left.style == "thin", "cells have borders")
# 东圈 worked by hand: outlets.csv of the plan, each in the community of its nearest residence
# within 500 m (社区乙 = 东圈): 便利店 1, 综合超市 3, 药店 2, 特色餐饮 1 -> 特色餐饮店; 1469 residents.
by_row = {ws.cell(r, 2).value + ("/q" if r >= 22 else ""): ws.cell(r, 3).value for r in range(8, 31)}
want = dict.fromkeys(by_row, 0)
want.update({"便利店": 1, "综合超市": 3, "药店": 2, "特色餐饮店/q": 1})
check(by_row == want, "东圈 网点数量 per row as worked by hand: %s" % {k: v for k, v in by_row.items() if v})
check(ws["C7"].value == 7, "东圈 合计 7 outlets")
check(abs(ws["F4"].value - 0.1469) < 1e-9, "东圈 覆盖居民 0.1469 万人")
check(ws["F4"].number_format == "0.00", "two decimals, as the table asks")
check(ws["D8"].value is None and ws["E8"].value is None, "no staff or chain column in the input: cells left blank")
check(ws["F7"].value is None, "satisfaction blank without 50 answers")
check("缺" in ws["G10"].value and "1469" in ws["G10"].value, "需求清单 of 菜市场: %s" % ws["G10"].value)
check(ws["G8"].value and "部分缺" in ws["G8"].value, "需求清单 of 便利店 (partial): %s" % ws["G8"].value)
check("前置仓" in (ws["G21"].value or ""), "a 业态 the table lacks (前置仓) goes under 其他")
check(wb["全市汇总"]["C7"].value == len(read_csv(os.path.join(ana, "outlets.csv"))),
      "city summary: every outlet of a 业态 (%s)" % wb["全市汇总"]["C7"].value)

check(ws.print_area == ["$A$1:$G$32"] and ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
      and ws.sheet_properties.pageSetUpPr.fitToPage, "调查表 prints the table alone on one A4 landscape page (%s)" %
      ws.print_area)
check(ws.row_dimensions[30].height and ws.row_dimensions[30].height >= 4 * 13.5,
      "the 其他 row is tall enough for its 需求清单 when printed (%s pt)" % ws.row_dimensions[30].height)

# ---- 调查表 with staff, chains, floor areas and 60 answers: every figure of the form filled ----------
full = os.path.join(tmp, "full")
os.makedirs(full)
with open(os.path.join(PLAN, "outlets.csv"), encoding="utf-8") as f:
    orows = list(csv.DictReader(f))
with open(os.path.join(full, "outlets.csv"), "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "name", "category", "lon", "lat", "chain", "staff", "floor_area"])
    for i, o in enumerate(orows):
        w.writerow([o["id"], o["name"], o["category"], o["lon"], o["lat"], "是" if i % 3 == 0 else "否", 2 + i % 5,
                    40 + 10 * (i % 7)])
with open(os.path.join(PLAN, "residences.csv"), encoding="utf-8") as f:
    rrows = list(csv.DictReader(f))
with open(os.path.join(full, "residences.csv"), "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "lon", "lat", "population", "community", "floor_area"])
    for i, o in enumerate(rrows):
        w.writerow([o["id"], o["lon"], o["lat"], o["population"], o["community"], 2000 + 100 * (i % 9)])
with open(os.path.join(full, "survey.csv"), "w", encoding="utf-8") as f:
    f.write("circle,satisfied\n" + "".join("东圈,%s\n" % ("是" if i < 45 else "否") for i in range(60)) +
            "".join("西圈,是\n" for i in range(10)))
with open(PROJECT, encoding="utf-8") as f:
    text = f.read()
text = text.replace("../../../../", SRC + "/").replace("file = circles.csv", "file = " + os.path.join(PLAN, "circles.csv"))
with open(os.path.join(full, "full.project"), "w", encoding="utf-8") as f:
    f.write(text + "[survey]\nfile = survey.csv\n")
r = run(["analyze", os.path.join(full, "full.project"), "-o", os.path.join(full, "ana"), "-q"], env)
r = r if r.returncode else run(["report", os.path.join(full, "full.project"), "-o", os.path.join(full, "rep"),
                                "--format", "xlsx", "-q"], env)
check(r.returncode == 0, "a project with staff, chains, areas and a survey" + ("" if r.returncode == 0 else ": " + r.stderr[-400:]))
if r.returncode == 0:
    fs = openpyxl.load_workbook(os.path.join(full, "rep", "调查表.xlsx"))["东圈"]
    fo = [o for o in read_csv(os.path.join(full, "ana", "outlets.csv")) if o["circle"] == "东圈"]
    ind = {(i["area"], i["indicator"]): i["value"] for i in read_csv(os.path.join(full, "ana", "indicators.csv"))}
    staff = sum(float(o["staff"]) for o in fo)
    chains = sum(o["chain"] == "yes" for o in fo)
    check(abs(fs["D7"].value - staff / 1e4) < 1e-9 and fs["D7"].number_format == "0.00",
          "东圈 从业人数 合计 %s 万人 = the staff of its outlets / 10000 (%s)" % (fs["D7"].value, staff))
    check(fs["E7"].value == chains, "东圈 品牌连锁店 合计 %s = its chain outlets (%d)" % (fs["E7"].value, chains))
    check(fs["F7"].value == 75.0, "东圈 居民满意度 75%% of 60 answers (%s)" % fs["F7"].value)
    share = float(ind[("东圈", "floor_area_share")]) * 100
    check(fs["F5"].value is not None and abs(fs["F5"].value - share) < 0.006,  # indicators.csv: 4 decimals
          "东圈 面积占比 %s%% as indicators.csv (%.4f)" % (fs["F5"].value, share))
    drug = [o for o in fo if o["zh"] == "药店"]
    check(fs["D17"].value is not None and abs(fs["D17"].value - sum(float(o["staff"]) for o in drug) / 1e4) < 1e-9
          and fs["E17"].value == sum(o["chain"] == "yes" for o in drug), "东圈 药店 row: staff and chains")
    check(fs["D10"].value is None and fs["E10"].value == 0, "a row without outlets: no staff, 0 chains")
    check(openpyxl.load_workbook(os.path.join(full, "rep", "调查表.xlsx"))["西圈"]["F7"].value is None,
          "西圈 with 10 answers: satisfaction left blank")

# ---- indicators.xlsx -------------------------------------------------------------------------
wi = openpyxl.load_workbook(os.path.join(out, "indicators.xlsx"))["指标"]
check(wi.freeze_panes == "C2", "indicators.xlsx: header frozen (%s)" % wi.freeze_panes)
hdr = [c.value for c in wi[1]]
ab = hdr.index("基本保障类业态全覆盖居民占比") + 1
check(hdr[ab] == "目标", "target beside the value")
rows = {wi.cell(r, 2).value: r for r in range(2, wi.max_row + 1)}
check(set(rows) >= {"全市", "东圈", "西圈", "社区甲", "社区乙"}, "one row per area")
c = wi.cell(rows["东圈"], ab)
check(isinstance(c.value, (int, float)) and c.number_format == "0.0%", "shares are numbers shown as percentages")
check(c.fill.fgColor.rgb.endswith("FFC7CE"), "not met is coloured red (%s)" % c.fill.fgColor.rgb)
check(wi.print_title_rows == "$1:$1" and wi.page_setup.orientation == "landscape" and wi.print_area,
      "indicators.xlsx prints landscape with its header row on every page")
cov = hdr.index([h for h in hdr if h and h.startswith("便利店覆盖率")][0]) + 1
check(isinstance(wi.cell(rows["东圈"], cov).value, float), "per-业态 coverage as numbers")

# ---- analysis.gpkg ----------------------------------------------------------------------------
gpkg = os.path.join(out, "analysis.gpkg")
outlets = read_csv(os.path.join(ana, "outlets.csv"))
blind = subprocess.run(["ogrinfo", "-so", "-al", os.path.join(ana, "blindspots.geojson")], capture_output=True,
                       text=True).stdout
nblind = int([l for l in blind.splitlines() if l.startswith("Feature Count")][0].split()[-1])
for name, geom, n in (("outlets", "Point", len(outlets)), ("residences", "Point", 40), ("communities", "Multi Polygon", 2),
                      ("circles", "Multi Polygon", 2), ("blindspots", "Multi Polygon", nblind), ("sites", "Point", 2)):
    o = subprocess.run(["ogrinfo", "-so", gpkg, name], capture_output=True, text=True).stdout
    check("Geometry: " + geom in o and "Feature Count: %d" % n in o and 'ID["EPSG",4326]' in o,
          "gpkg layer %s: %s, %d features, EPSG:4326" % (name, geom, n))
o = subprocess.run(["ogrinfo", "-q", gpkg, "-sql", "SELECT f_table_name FROM layer_styles"], capture_output=True,
                   text=True).stdout
check(all("= " + n in o for n in ("outlets", "residences", "communities", "circles", "blindspots", "sites")),
      "QGIS styles for every layer")
# base.project names its communities and gives no polygons: outlines of the residences, and said so
o = subprocess.run(["ogrinfo", "-q", gpkg, "-sql", "SELECT DISTINCT boundary FROM circles"], capture_output=True,
                   text=True).stdout
check("= 小区外包线" in o and "网格" not in o, "circles without boundaries: boundary 小区外包线 in the gpkg")
check("范围为小区外包线" in east and "生活圈范围*" in east, "东圈.pdf's legend says its outline is the residences'")
check("范围为小区外包线" in ct, "the city map says its circles are outlines of the residences")

# ---- the same again: reproducible; replaced whole ---------------------------------------------
r = run(["report", PROJECT, "-o", out, "--sites", SITES, "--format", "xlsx", "-q"], env)
check(r.returncode == 0 and sorted(os.listdir(out)) == ["indicators.xlsx", "report.txt", "调查表.xlsx"],
      "an earlier report is replaced whole: %s" % sorted(os.listdir(out)))
out2 = os.path.join(tmp, "again")
run(["report", PROJECT, "-o", out2, "--sites", SITES, "--format", "xlsx", "-q"], env)
same = all(open(os.path.join(out, f), "rb").read() == open(os.path.join(out2, f), "rb").read()
           for f in ("调查表.xlsx", "indicators.xlsx"))
check(same, "XLSX byte-identical with SOURCE_DATE_EPOCH")
r = run(["report", PROJECT, "-o", os.path.join(tmp, "one"), "--circle", "西圈", "--format", "pdf", "-q"], env)
check(r.returncode == 0 and sorted(os.listdir(os.path.join(tmp, "one"))) == ["report.txt", "城市报告.pdf", "西圈.pdf"],
      "--circle: only that circle's page")
check(pdf_pages(os.path.join(tmp, "one", "城市报告.pdf")) == 4, "--circle: city report with one circle page")

# ---- community boundary polygons ([communities]): the map draws them, not residence outlines ----
bnd = os.path.join(tmp, "bounds")
r = run(["report", os.path.join(PLAN, "boundaries.project"), "-o", bnd, "--circle", "东圈", "--format", "png", "-q"], env)
check(r.returncode == 0, "report with [communities] boundaries" + ("" if r.returncode == 0 else ": " + r.stderr[-300:]))
if r.returncode == 0:
    ds = gdal.Open(os.path.join(bnd, "东圈.png"))
    bimg = np.dstack([ds.GetRasterBand(b + 1).ReadAsArray() for b in range(3)]).astype(int)
    bmap = bimg[int(78 * k):int(698 * k), int(28 * k):int(648 * k)]
    edge = np.abs(bmap - np.array((0x1F, 0x3A, 0x93))).max(axis=2) <= 2
    ys, xs = np.nonzero(edge)
    # 东圈 is 社区乙 alone: the box 118.785..118.85 x 32.00..32.10 of communities.geojson, a rectangle
    # 0.065 * cos(32.05 deg) / 0.1 = 0.551 as wide as high, its sides straight lines of boundary colour
    ok = len(xs) > 0
    if ok:
        w, h = xs.max() - xs.min(), ys.max() - ys.min()
        left = int(edge[ys.min():ys.max() + 1, xs.min():xs.min() + 3].any(axis=1).sum())
        top = int(edge[ys.min():ys.min() + 3, xs.min():xs.max() + 1].any(axis=0).sum())
        ok = abs(w / h - 0.551) < 0.02 and left > 0.95 * h and top > 0.95 * w
    check(ok, "the circle's boundary is its community's polygon (a %s rectangle)" %
          ("%dx%d px" % (w, h) if len(xs) else "no"))
r = run(["report", os.path.join(PLAN, "boundaries.project"), "-o", bnd, "--circle", "东圈", "--format", "pdf,gpkg", "-q"],
        env)
t = pdf_text(os.path.join(bnd, "东圈.pdf")) if r.returncode == 0 else ""
check(r.returncode == 0 and "生活圈范围" in t and "范围为小区外包线" not in t,
      "with boundaries the legend has no outline note")
o = subprocess.run(["ogrinfo", "-q", os.path.join(bnd, "analysis.gpkg"), "-sql",
                    "SELECT name, boundary, ST_MinX(geom) AS x0, ST_MaxX(geom) AS x1 FROM circles WHERE name = '东圈'"],
                   capture_output=True, text=True).stdout
check("boundary (String) = 社区边界" in o and "x0 (Real) = 118.785" in o and "x1 (Real) = 118.85" in o,
      "gpkg circle 东圈 is its community's polygon: %s" % " ".join(l.strip() for l in o.splitlines() if "=" in l))

# ---- many circles on several threads: every page, in order ----------------------------------
xw = os.path.join(SRC, "data", "nanjing-xuanwu")
proj = os.path.join(tmp, "grid.project")
with open(os.path.join(xw, "xuanwu.project"), encoding="utf-8") as f:
    text = f.read()
text = text.replace("../profiles/", os.path.join(SRC, "data", "profiles") + "/")
text = text.replace("file = nanjing_xuanwu", "file = " + os.path.join(xw, "nanjing_xuanwu"))
text = text.replace("grid_m = 1500", "grid_m = 350").replace("community_grid_m = 500", "community_grid_m = 200")
with open(proj, "w", encoding="utf-8") as f:
    f.write(text)
many = os.path.join(tmp, "many")
r = run(["report", proj, "-o", many, "--format", "pdf", "--threads", "3", "-q"], env)
listed = open(os.path.join(many, "report.txt"), encoding="utf-8").read() if r.returncode == 0 else ""
ncirc = sum(1 for l in listed.splitlines() if l.endswith(".pdf") and l != "城市报告.pdf")
check(r.returncode == 0 and ncirc >= 8, "grid circles on 3 threads: %d circle pages%s" % (ncirc, "" if r.returncode == 0 else ": " + r.stderr[-400:]))
if ncirc:
    check(pdf_pages(os.path.join(many, "城市报告.pdf")) == ncirc + 3, "city report holds every circle's page")
    names = [l[:-4] for l in listed.splitlines() if l.endswith(".pdf") and l != "城市报告.pdf"]
    order = pdf_text(os.path.join(many, "城市报告.pdf"))
    pos = [order.find(n + "一刻钟便民生活圈·一图一清单") for n in names]
    check(all(p >= 0 for p in pos) and pos == sorted(pos), "circle pages in the table's order")
    check("范围为小区外包线" not in order, "grid circles: no outline note (their cells are their boundaries)")
# grid communities: each circle is the union of its communities' grid cells, and holds its residences
grid = os.path.join(tmp, "grid-gpkg")
r = run(["report", proj, "-o", grid, "--format", "gpkg", "-q"], env)
check(r.returncode == 0, "report on grid circles" + ("" if r.returncode == 0 else ": " + r.stderr[-300:]))
if r.returncode == 0:
    ds = gdal.OpenEx(os.path.join(grid, "analysis.gpkg"))
    lc, lr, lm = ds.GetLayerByName("circles"), ds.GetLayerByName("residences"), ds.GetLayerByName("communities")
    kinds = set(f.GetField("boundary") for f in lc) | set(f.GetField("boundary") for f in lm)
    geoms = {f.GetField("name"): f.GetGeometryRef().Clone() for f in lc}
    cells = [f.GetGeometryRef().GetArea() for f in lm]
    outside = sum(1 for f in lr if f.GetField("circle") in geoms and f.GetField("placed") and
                  not geoms[f.GetField("circle")].Buffer(1e-9).Contains(f.GetGeometryRef()))
    check(kinds == {"网格单元"}, "grid communities and circles: boundary 网格单元 (%s)" % kinds)
    check(len(cells) > 0 and max(cells) / min(cells) < 1.01, "community cells of one size")
    check(outside == 0, "every placed residence inside its circle's cells (%d outside)" % outside)
    total = sum(g.GetArea() for g in geoms.values())
    check(abs(total - sum(cells)) < 1e-3 * total, "circles tile their communities' cells (areas %.6g, %.6g)" %
          (total, sum(cells)))

# ---- bad input ----------------------------------------------------------------------------------
bad = os.path.join(tmp, "bad")
r = run(["report", PROJECT, "-o", bad, "--circle", "北圈", "-q"])
check(r.returncode == 1 and "北圈" in r.stderr and not os.path.exists(bad) and not os.path.exists(bad + ".partial"),
      "unknown circle: exit 1, named, nothing written (%s)" % r.stderr.strip())
r = run(["report", PROJECT, "-o", bad, "--sites", os.path.join(PLAN, "sites-beijing.csv"), "-q"])
check(r.returncode == 1 and "another project" in r.stderr and "line 2" in r.stderr and not os.path.exists(bad),
      "sites of another project: exit 1, file:line, nothing written (%s)" % r.stderr.strip())
afile = os.path.join(tmp, "a-file")
open(afile, "w").close()
r = run(["report", PROJECT, "-o", os.path.join(afile, "sub"), "-q"])
check(r.returncode == 3 and "a-file/sub" in r.stderr and os.path.getsize(afile) == 0,
      "unwritable folder: exit 3, named (%s)" % r.stderr.strip())
r = run(["report", PROJECT, "-o", ana, "-q"])
check(r.returncode != 0 and "not a report folder" in r.stderr and os.path.exists(os.path.join(ana, "summary.md")),
      "a folder that is no report is left alone (%s)" % r.stderr.strip())
r = run(["report", PROJECT, "-o", bad, "--format", "pdf,doc"])
check(r.returncode == 2 and "doc" in r.stderr, "bad --format: exit 2")
r = run(["report", "--help"])
check(r.returncode == 0 and "--sites" in r.stdout and "调查表" in r.stdout, "--help")

shutil.rmtree(tmp)
print("%d passed, %d failed" % (passed, len(failures)))
sys.exit(1 if failures else 0)
