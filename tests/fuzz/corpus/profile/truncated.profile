# quarter 业态 profile: 一刻钟便民生活圈 (商务部等 2023 年《城市一刻钟便民生活圈建设指南》,
# the 13 basic 业态 of the guide plus 前置仓, and the quality 业态 named by the
# guide, the 176 号意见 and the seed plans).  A city may edit or replace this file;
# the format is documented in docs/profile.md.
#
# match rules: all conditions of a rule must hold; the matching rule with the
# greatest weight wins (osm 10, amap = digits of the code prefix, type 3, name 3,
# negated 0), ties to the rule written first.  OSM tags follow the OpenStreetMap
# wiki; Amap codes the Amap POI 分类编码 table (DOMAIN §4.1).

[profile]
name = mofcom-2023
speed_kmh = 4.0
speed_elderly_kmh = 3.0
speed_winter_kmh = 3.2
basic_minutes = 10
quality_minutes = 15

# ---- targets (SPEC §2, DOMAIN §0 and §1.5; the seed plans' figures) ---------

[targets]
present_share = 50%             # a 业态 is "present" in an area when half its residents reach it in its ring
residents_all_basic = 100%      # 全覆盖 (Tianshui: 50% by 2023, 100% by 2025)
community_covered_share = 50%   # a community is covered when half its residents reach every basic 业态
communities_covered = 100%      # Tianshui: 30% by 2023, 70% by 2024, 100% by 2025
chain_share = 30%               # 连锁店数量 / 网点总量
floor_area_share = 10%          # 商业和综合服务设施面积 / 社区总建筑面积
area_per_100_households = 30    # m² per 100 households
satisfaction = 90%
survey_min_samples = 50         # 每个生活圈抽样调查不少于50份

# ---- grading (DOMAIN §1.4; Shanxi-style thresholds scaled to this list) ----
# A circle gets the highest grade whose every condition holds.

[grade 基础型]
basic_present = all             # every required basic 业态 within its ring for half the residents

[grade 提升型]
basic_present = all
quality_present = 6
all_basic_share = 80%

[grade 品质型]
basic_present = all
quality_present = 10
all_basic_share = 90%
chain_share = 30%
satisfaction = 90%              # and at least survey_min_samples answers

# ---- population from buildings (2020 census: 36.5 m² per urban resident,
# 2.62 residents per household) ----------------------------------------------

[population]
m2_per_person = 36.5
household_size = 2.62
default_levels = 6

# ---- 基本保障类 (basic): 5-10 minutes, "家门口" ----------------------------

[category B01]
zh = 便利店
en = convenience store
class = basic
match = osm:shop=convenience
match = amap:060200
match = type:便民商店/便利店
match = amap:06 name:便利店|7-ELEVEn|全家|罗森|美宜佳|好德|可的|快客|唐久|红旗连锁

[category B02]
zh = 综合超市
en = supermarket
class = basic
match = osm:shop=supermarket
match = amap:060400 !name:屈臣氏|万宁
match = type:超级市场 !name:屈臣氏|万宁
match = amap:06 name:超市|大润发|家乐福|沃尔玛|永辉|华润万家|盒马 !name:便利

[category B03]
zh = 菜市场
en = food mark