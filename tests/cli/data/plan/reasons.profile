# The grade reasons test (tests/cli/cases/0139-0140): data/profiles/mofcom-2023.profile with a lax
# 基础型 and a 提升型 that has every kind of rule.
# quarter 业态 profile: 一刻钟便民生活圈 (商务部等 2023 年《城市一刻钟便民生活圈建设指南》,
# the 13 basic 业态 of the guide plus 前置仓, and the quality 业态 named by the
# guide, the 176 号意见 and the seed plans).  A city may edit or replace this file;
# the format is documented in docs/profile.md.
#
# alias: other labels a bureau writes in a 业态 column for the category (the
# seeds' lists, Tianshui's 调查表, the words district offices use); compared
# without spaces, with （） as (); a label names one category only.
#
# match rules: all conditions of a rule must hold; the matching rule with the
# greatest weight wins (osm 10, amap = digits of the code prefix, type 3, name 3,
# negated 0), ties to the rule written first.  OSM tags follow the OpenStreetMap
# wiki; Amap codes the Amap POI 分类编码 table (DOMAIN §4.1).

[profile]
name = reasons-test
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
basic_present = 2               # lax, so that 东圈 (3 of 13) reaches it and the reasons have two clauses

[grade 提升型]
basic_present = all
quality_present = 6
all_basic_share = 80%
communities_covered = 50%
chain_share = 30%
satisfaction = 90%              # and at least survey_min_samples answers

# ---- population from buildings (2020 census: 36.5 m² per urban resident,
# 2.62 residents per household) ----------------------------------------------

[population]
m2_per_person = 36.5
household_size = 2.62
default_levels = 6

# ---- not outlets ------------------------------------------------------------
# [exclude] rules say what is no outlet at all, whatever its name suggests; an
# excluded row is "not a 业态" unless a category rule weighs more.
#  - transport stops are named after what is near them: 光明村养老院(公交站) is
#    a bus stop, not 老年康护 (Amap 15 交通设施服务: 1507 公交车站, 1505 地铁站);
#  - hospitals, clinics and health centres are public services, not 业态 of
#    the circle, even when Amap lists 药房 as their first type (a pharmacy of
#    its own is named 药房/药店 and stays B10).

[exclude]
match = name:(公交站)|（公交站）|公交站|公交车站|(地铁站)|（地铁站）|地铁站|长途汽车站|停车场
match = type:交通设施服务 name:站
match = amap:1507|1505|1504|1509
match = type:公交车站|地铁站|停车场
match = name:医院|卫生院|门诊部|社区卫生服务|卫生服务中心|卫生服务站|妇幼保健院|疾病预防控制 !name:宠物|动物|药房|药店|推拿|按摩|养生
match = amap:0901|0902|0903 name:医院|门诊|卫生 !name:宠物|动物|药房|药店
#  - a clinic (中医馆, 国医馆, 诊所) is not a pharmacy even when Amap's first
#    type is 药房: its 诊所 type and clinic name (weight 5) beat type:药房 (3)
match = type:诊所 name:中医馆|国医馆|中医诊所|诊所|门诊 !name:药房|药店|宠物|动物 !type:动物医疗
#  - a hotel whose later type is only Amap's catch-all 餐饮相关场所 is not a
#    restaurant (weight 5 beats the later 餐饮相关, 2); a hotel listing a
#    中餐厅 (a restaurant of its own, weight 2 + a name) stays 特色餐饮
match = type:住宿服务 type:餐饮相关场所
#  - braised- and cooked-meat takeaways (熟食, 卤味: 绝味鸭脖, 周黑鸭, 紫燕百味鸡,
#    煌上煌, 久久丫) are food shops, no 业态 of the profile: not 特色餐饮
match = name:鸭脖|卤味|卤菜|熟食|百味鸡|周黑鸭|绝味|煌上煌|久久丫|廖记棒棒鸡 type:餐饮相关场所|餐饮服务|购物服务

# ---- 基本保障类 (basic): 5-10 minutes, "家门口" ----------------------------

[category B01]
zh = 便利店
en = convenience store
alias = 社区便利店|连锁便利店|24小时便利店|便民商店|小商店|杂货店|杂货铺|副食店|小卖部
class = basic
match = osm:shop=convenience
match = amap:060200
match = type:便民商店/便利店
match = amap:06 name:便利店|7-ELEVEn|全家|罗森|美宜佳|好德|可的|快客|唐久|红旗连锁

[category B02]
zh = 综合超市
en = supermarket
alias = 超市|社区超市|商超|连锁超市
class = basic
match = osm:shop=supermarket
match = amap:060400 !name:屈臣氏|万宁
match = type:超级市场 !name:屈臣氏|万宁
match = amap:06 name:超市|大润发|家乐福|沃尔玛|永辉|华润万家|盒马 !name:便利

[category B03]
zh = 菜市场
en = food market
alias = 农贸市场|菜场|菜市|集贸市场|农副产品市场|标准化菜市场|菜市场(菜店)
class = basic
match = osm:amenity=marketplace
match = amap:060703|060705|060706
match = type:农副产品市场|蔬菜市场|水产海鲜市场
match = amap:0607 name:菜市场|农贸市场|菜场
match = type:综合市场 name:菜市场|农贸市场|菜场

[category B04]
zh = 生鲜超市(菜店)
en = fresh food store
alias = 生鲜超市|菜店|社区菜店|生鲜店|蔬菜店|果蔬店|水果店|生鲜直供点|社区生鲜直供点
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
alias = 早点铺|早点店|早点|早餐铺|早餐点|早餐
class = basic
match = osm:amenity=fast_food name:早餐|早点|包子|豆浆|油条|煎饼
match = osm:cuisine=breakfast
match = amap:0503 name:早餐|早点|包子|豆浆|油条|煎饼|馄饨|粥|永和
match = amap:0501 name:早餐|早点|包子铺|豆浆|油条|煎饼
match = amap:050304
match = type:快餐厅 name:早餐|早点|包子|豆浆|油条|煎饼|馄饨|粥|永和|馒头|大包
# steamed-bun and breakfast chains filed as 中餐厅/快餐厅/餐饮相关 (巴比馒头, 老上海大包)
match = type:中餐厅|快餐厅|餐饮相关场所 name:馒头|大包|包子铺|早餐|早点|豆浆|油条|煎饼

[category B06]
zh = 维修点
en = repair shop
alias = 维修点(小修小补)|小修小补|小修小补点|维修店|维修|修理店|修鞋|配钥匙|修鞋配钥匙|社区工坊|家电维修
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
alias = 洗衣店|干洗店|洗衣房|洗染
class = basic
match = osm:shop=laundry
match = osm:shop=dry_cleaning
match = amap:071500
match = type:洗衣店
match = amap:07 name:洗衣|干洗|洗染

[category B08]
zh = 美容美发店
en = hairdresser and beauty salon
alias = 理发店|理发|美发店|美容店|美容院|美容美发|发廊
class = basic
match = osm:shop=hairdresser
match = osm:shop=beauty
match = amap:071100
match = type:美容美发店

[category B09]
zh = 照相文印店
en = photo and copy shop
alias = 照相馆|文印店|打印店|复印店|图文店|照相文印
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
alias = 药房|大药房|零售药店|社区药店
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
alias = 家政服务|家政服务店|家政服务站|家政|家政公司
class = basic
match = osm:office=housekeeping
match = osm:craft=cleaning
match = amap:07 name:家政|保洁|月嫂|保姆
match = type:生活服务 name:家政|保洁|月嫂|保姆

[category B12]
zh = 邮政快递综合服务点
en = post and parcel point
alias = 邮政快递综合服务点(快件箱组)|快递驿站|驿站|菜鸟驿站|快递点|快递公共取送点|快件箱|快件箱组|智能快件箱|智能信包箱|快递柜|邮局|邮政所|邮政网点
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
alias = 再生资源回收站|回收站|回收点|废品回收|废品回收站
class = basic
match = osm:amenity=recycling
match = osm:shop=second_hand name:回收
match = amap:07 name:回收|再生资源|废品
match = type:生活服务 name:回收|再生资源|废品

[category B14]
zh = 前置仓
en = dark store (front warehouse)
alias = 前置仓库
class = basic
required = no
match = osm:shop=supermarket name:前置仓
match = amap:06|07 name:前置仓

# ---- 品质提升类 (quality): 15 minutes, "家周边" ----------------------------

[category Q01]
zh = 特色餐饮
en = restaurant
alias = 特色餐饮店|餐饮店|餐厅|饭店|餐馆|小吃店
class = quality
match = osm:amenity=restaurant
match = osm:amenity=food_court
match = amap:0501
match = amap:0502
match = amap:0504
match = type:中餐厅|外国餐厅|休闲餐饮场所
match = amap:05 name:餐厅|饭店|酒家|菜馆|面馆|火锅
# Fast food (Amap 050300 快餐厅: 肯德基, 麦当劳, 必胜客, 茶餐厅, 水饺 ...) is a
# restaurant of the circle, counted here: it is where residents eat, and its
# chains count towards the chain share.  Breakfast shops among them (早餐,
# 包子, 豆浆, 永和 ... rules of B05, weight 6-7) stay 早餐店.
match = amap:0503
match = type:快餐厅
match = osm:amenity=fast_food
# 餐饮相关场所 (Amap's catch-all for eating places) is a restaurant too
match = type:餐饮相关场所
# a restaurant named so (饭庄, 酒家 ...) whose first type is something else (休闲场所)
match = type:餐饮服务 name:饭庄|饭店|酒家|菜馆|面馆|餐厅|食府|酒楼|农家乐|农庄

[category Q02]
zh = 运动健身
en = sports and fitness
alias = 运动健身房|健身房|健身中心|健身
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
alias = 保健养生店|养生馆|养生|保健理疗店|推拿按摩
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
alias = 书店|书房|书屋
class = quality
match = osm:shop=books
match = amap:061205
match = type:书店
match = amap:06 name:书店|书城|书局|书房

[category Q05]
zh = 教育培训
en = education and training
alias = 培训教育点|培训教育|培训机构|教育培训机构|培训班
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
alias = 娱乐场所|文化娱乐
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
# a bar Amap files as a restaurant (池畔酒吧 under 西餐厅) is 休闲娱乐
match = type:餐饮服务 name:酒吧|清吧

[category Q07]
zh = 老年康护
en = elderly care
alias = 养老站点|养老服务|养老服务站|养老服务点|社区养老服务机构|养老服务中心|日间照料中心|老年服务中心|养老机构|养老院|助老服务站
class = quality
match = osm:amenity=social_facility osm:social_facility:for=senior
match = osm:amenity=nursing_home
match = amap:080402 name:养老|老年|敬老|颐养
match = amap:07|09|08|12 name:养老|日间照料|老年服务|敬老院|颐养|长者照护
match = name:养老院|养老服务中心|日间照料中心

[category Q08]
zh = 幼儿托管
en = childcare
alias = 托育|托育站点|托育机构|托育服务点|托育中心|幼儿托管点|托管班|托管
class = quality
match = osm:amenity=childcare
match = amap:072000
match = type:婴儿服务场所
match = amap:07|14 name:托育|托管|早教|育婴
match = name:托育中心|托育园|托管中心
# childcare Amap files under 学校;幼儿园 (亲子园, 幼托, 早教, 托班): the kindergarten
# itself (幼儿园) is a school, not a 业态; these are childcare
match = type:幼儿园 name:亲子园|亲子中心|幼托|早教|托育|托班|托管|优托|日托|育婴

[category Q09]
zh = 蛋糕烘焙
en = bakery and cake shop
alias = 蛋糕烘焙店|蛋糕店|烘焙店|面包店|烘焙
class = quality
match = osm:shop=bakery
match = osm:shop=pastry
match = osm:shop=confectionery
match = amap:050800
match = amap:050900
match = type:糕饼店|甜品店
match = amap:05|06 name:烘焙|蛋糕|面包|西饼|甜品
# 牛奶棚/牛朋 are Shanghai's bakery-and-dairy chain; Amap files many of them
# under 农副产品市场 (a 菜市场) as well as 糕饼店: they are bakeries, not markets
match = type:糕饼店 name:牛奶棚|牛朋
match = amap:0508 name:牛奶棚|牛朋
match = type:农副产品市场 name:牛奶棚|牛朋
# cake chains Amap files under 餐饮相关场所 (weight 6 beats Q01's 3)
match = type:餐饮相关场所|餐饮服务 name:红宝石|克莉丝汀|元祖|好利来|85度C|凯司令|宝珠奶酪|面包房|西点

[category Q10]
zh = 鲜花礼品
en = florist and gifts
alias = 鲜花礼品店|鲜花店|花店
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
alias = 茶艺咖啡馆|咖啡馆|咖啡店|茶馆|茶室|茶艺
class = quality
match = osm:amenity=cafe
match = osm:shop=tea
match = osm:shop=coffee
match = amap:050500
match = amap:050600
match = type:咖啡厅|茶艺馆
match = amap:05 name:咖啡|茶馆|茶社|茶艺|茶楼|星巴克|瑞幸
# tea-drink and cold-drink shops (Amap 050700 冷饮店: CoCo, 一点点, 喜茶, 奶茶)
match = amap:050700
match = type:冷饮店
match = type:餐饮服务 name:奶茶|茶饮|喜茶|奈雪|一点点|蜜雪冰城|CoCo都可|书亦烧仙草|古茗|沪上阿姨

[category Q12]
zh = 宠物服务
en = pet services
alias = 宠物服务站|宠物店|宠物医院|宠物
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
alias = 长者食堂|助餐点|老年助餐点|老年食堂|助餐服务点
class = quality
match = osm:amenity=canteen
match = osm:amenity=social_facility name:食堂|助餐
match = amap:05 name:社区食堂|长者食堂|助餐点|老年食堂|爱心食堂
match = name:社区食堂|长者食堂|助餐点|老年助餐

[category Q14]
zh = 旅游服务
en = travel agency
alias = 旅游服务点|旅行社|旅游服务
class = quality
match = osm:shop=travel_agency
match = osm:tourism=information osm:information=office
match = amap:070100
match = type:旅行社
