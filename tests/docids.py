"""Doc ids of the demo corpus (`planqa/demo_corpus`), shared by the tests."""

JC = "000_1221f6b6c08d843d"  # 晋城
XZ = "001_f97572b67bbbe106"  # 忻州
GP = "002_4a039f29fe96f132"  # 高平
JY = "003_80320cefd6c75378"  # 济源
COMPILATION = "004_7c121f2adea77f47"  # a compilation: its parts are -p1 … -p6
QH = f"{COMPILATION}-p1"
SY = f"{COMPILATION}-p3"
ZJ = f"{COMPILATION}-p6"
