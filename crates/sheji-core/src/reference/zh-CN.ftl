# Messages of reference data, in 简体中文.
# A key `a.b.c` in the code is the message `a-b-c` here; `{ $name }` is filled by the caller.

cluster-count = { $n } 个集群
cluster-empty = 尚未导入产业集群。请由管理员执行 sheji migrate 导入参考数据。
cluster-intro = “33618”现代制造业集群体系：3 大万亿级主导产业集群、3 大五千亿级支柱产业集群、6 大千亿级特色优势产业集群和 18 个“新星”产业集群。
cluster-name = 集群名称
cluster-source = 来源
cluster-tier = 层级
cluster-title = 产业集群
district-abolished_on = { $date } 起
district-code = 区划代码
district-count = 共 { $n } 个区县和功能区
district-empty = 没有符合条件的区县。请调整筛选条件后重试。
district-intro = 行动计划覆盖的区县（含功能区）。已撤销的区划保留其代码和日期，历史记录仍可按原代码查询。
district-kind = 类型
district-kind-autonomous_county = 自治县
district-kind-county = 县
district-kind-district = 区
district-kind-functional_zone = 功能区
district-name = 名称
district-no_code = 无（非行政区划）
district-status = 状态
district-status-abolished = 已撤销
district-status-active = 有效
district-status-superseded = 已被替代
district-superseded_on = { $date } 起
district-title = 区县
