[profile]
name = typo
[category B01]
zh = 便利店
en = convenience store
clas = basic
