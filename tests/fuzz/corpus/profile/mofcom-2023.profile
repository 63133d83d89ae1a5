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
en = food market
class = basic
match = osm:amenity=marketplace
match = amap:060703|060705|060706
match = type:农副产品市场|蔬菜市场|水产海鲜市场
match = amap:0607 name:菜市场|农贸市场|菜场
match = type:综合市场 name:菜市场|农贸市场|菜场

[category B04]
zh = 生鲜超市(菜店)
en = fresh food store
class = basic
match = osm:shop=greengrocer
match = osm:shop=butcher
match = osm:shop=seafood
match = amap:060704
match = type:果品市场
match = amap:06 name:生鲜|菜店|蔬菜|钱大妈|叮咚|果蔬

[category B05]
zh = 早餐店
en = breakfast shop
class = basic
match = osm:amenity=fast_food name:早餐|早点|包子|豆浆|油条|煎饼
match = osm:cuisine=breakfast
match = amap:0503 name:早餐|早点|包子|豆浆|油条|煎饼|馄饨|粥
match = amap:0501 name:早餐|早点|包子铺|豆浆|油条|煎饼
match = amap:050304
match = type:快餐厅 name:早餐|早点|包子|豆浆|油条|煎饼|馄饨|粥

[category B06]
zh = 维修点
en = repair shop
class = basic
match = osm:shop=repair
match = osm:craft=shoemaker
match = osm:shop=locksmith
match = osm:craft=key_cutter
match = osm:shop=mobile_phone_repair
match = osm:craft=tailor
match = amap:071200
match = type:维修站点
match = amap:07 name:修鞋|配钥匙|开锁|家电维修|手机维修|修补|裁缝

[category B07]
zh = 洗染店
en = laundry and dry cleaner
class = basic
match = osm:shop=laundry
match = osm:shop=dry_cleaning
match = amap:071500
match = type:洗衣店
match = amap:07 name:洗衣|干洗|洗染

[category B08]
zh = 美容美发店
en = hairdresser and beauty salon
class = basic
match = osm:shop=hairdresser
match = osm:shop=beauty
match = amap:071100
match = type:美容美发店

[category B09]
zh = 照相文印店
en = photo and copy shop
class = basic
match = osm:shop=copyshop
match = osm:shop=photo
match = osm:craft=photographer
match = amap:071300
match = type:摄影冲印店
match = amap:06|07 name:打印|复印|文印|图文|快印

[category B10]
zh = 药店
en = pharmacy
class = basic
match = osm:amenity=pharmacy
match = osm:shop=chemist
match = amap:090601
match = type:药房|药店
match = amap:0906 name:药房|药店|大药房|医药
match = amap:09 name:大药房|药房

[category B11]
zh = 家政服务点
en = housekeeping service
class = basic
match = osm:office=housekeeping
match = osm:craft=cleaning
match = amap:07 name:家政|保洁|月嫂|保姆
match = type:生活服务 name:家政|保洁|月嫂|保姆

[category B12]
zh = 邮政快递综合服务点
en = post and parcel point
class = basic
match = osm:amenity=post_office
match = osm:amenity=parcel_locker
match = osm:post_office=post_partner
match = amap:070400|070401|070500
match = type:邮局|物流速递
match = amap:07 name:驿站|快递|丰巢|邮政|快件|菜鸟

[category B13]
zh = 再生资源回收点
en = recycling point
class = basic
match = osm:amenity=recycling
match = osm:shop=second_hand name:回收
match = amap:07 name:回收|再生资源|废品
match = type:生活服务 name:回收|再生资源|废品

[category B14]
zh = 前置仓
en = dark store (front warehouse)
class = basic
required = no
match = osm:shop=supermarket name:前置仓
match = amap:06|07 name:前置仓

# ---- 品质提升类 (quality): 15 minutes, "家周边" ----------------------------

[category Q01]
zh = 特色餐饮
en = restaurant
class = quality
match = osm:amenity=restaurant
match = osm:amenity=food_court
match = amap:0501
match = amap:0502
match = amap:0504
match = type:中餐厅|外国餐厅|休闲餐饮场所
match = amap:05 name:餐厅|饭店|酒家|菜馆|面馆|火锅

[category Q02]
zh = 运动健身
en = sports and fitness
class = quality
match = osm:leisure=fitness_centre
match = osm:leisure=sports_centre
match = osm:leisure=sports_hall
match = amap:0801
match = type:运动场馆|健身中心
match = amap:08 name:健身|瑜伽|游泳|羽毛球|乒乓|篮球|体育

[category Q03]
zh = 保健养生
en = health and wellness
class = quality
match = osm:shop=massage
match = osm:amenity=spa
match = osm:leisure=sauna
match = amap:071400
match = amap:090602
match = type:洗浴推拿场所|医疗保健用品
match = amap:07|09 name:推拿|按摩|足疗|养生|艾灸|理疗

[category Q04]
zh = 新式书店
en = bookshop
class = quality
match = osm:shop=books
match = amap:061205
match = type:书店
match = amap:06 name:书店|书城|书局|书房

[category Q05]
zh = 教育培训
en = education and training
class = quality
match = osm:amenity=training
match = osm:office=educational_institution
match = osm:amenity=music_school
match = osm:amenity=language_school
match = osm:amenity=driving_school
match = amap:141400
match = type:培训机构
match = amap:14 name:培训|教育|辅导|学堂|艺术中心

[category Q06]
zh = 休闲娱乐
en = leisure and entertainment
class = quality
match = osm:amenity=cinema
match = osm:amenity=theatre
match = osm:amenity=karaoke_box
match = osm:leisure=amusement_arcade
match = osm:leisure=bowling_alley
match = osm:amenity=nightclub
match = amap:0803
match = amap:0805
match = amap:0806
match = type:娱乐场所|休闲场所|影剧院|电影院|剧场

[category Q07]
zh = 老年康护
en = elderly care
class = quality
match = osm:amenity=social_facility osm:social_facility:for=senior
match = osm:amenity=nursing_home
match = amap:080402 name:养老|老年|敬老|颐养
match = amap:07|09|08|12 name:养老|日间照料|老年服务|敬老院|颐养|长者照护
match = name:养老院|养老服务中心|日间照料中心

[category Q08]
zh = 幼儿托管
en = childcare
class = quality
match = osm:amenity=childcare
match = amap:072000
match = type:婴儿服务场所
match = amap:07|14 name:托育|托管|早教|育婴
match = name:托育中心|托育园|托管中心

[category Q09]
zh = 蛋糕烘焙
en = bakery and cake shop
class = quality
match = osm:shop=bakery
match = osm:shop=pastry
match = osm:shop=confectionery
match = amap:050800
match = amap:050900
match = type:糕饼店|甜品店
match = amap:05|06 name:烘焙|蛋糕|面包|西饼|甜品

[category Q10]
zh = 鲜花礼品
en = florist and gifts
class = quality
match = osm:shop=florist
match = osm:shop=gift
match = amap:060501
match = amap:061209
match = type:花卉市场|礼品饰品店
match = amap:06 name:鲜花|花店|花艺|礼品

[category Q11]
zh = 茶艺咖啡
en = tea house and cafe
class = quality
match = osm:amenity=cafe
match = osm:shop=tea
match = osm:shop=coffee
match = amap:050500
match = amap:050600
match = type:咖啡厅|茶艺馆
match = amap:05 name:咖啡|茶馆|茶社|茶艺|茶楼|星巴克|瑞幸

[category Q12]
zh = 宠物服务
en = pet services
class = quality
match = osm:shop=pet
match = osm:shop=pet_grooming
match = osm:amenity=veterinary
match = amap:061211
match = amap:090701
match = amap:060502
match = type:宠物用品店|宠物诊所|宠物市场|动物医疗
match = amap:06|07|09 name:宠物|动物医院|兽医

[category Q13]
zh = 社区食堂
en = community canteen
class = quality
match = osm:amenity=canteen
match = osm:amenity=social_facility name:食堂|助餐
match = amap:05 name:社区食堂|长者食堂|助餐点|老年食堂|爱心食堂
match = name:社区食堂|长者食堂|助餐点|老年助餐

[category Q14]
zh = 旅游服务
en = travel agency
class = quality
match = osm:shop=travel_agency
match = osm:tourism=information osm:information=office
match = amap:070100
match = type:旅行社
