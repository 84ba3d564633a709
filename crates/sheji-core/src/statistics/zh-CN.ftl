# 统计：行动计划进展
statistics-progress = 平台记录的进展
statistics-sales = { $year } 年设计驱动新产品销售收入 { $figure } 亿元（企业填报）
statistics-centers = 现有有效的各级工业设计中心 { $n } 家
statistics-backbone = 现有有效的骨干设计企业 { $n } 家
statistics-not_tracked = 平台尚未记录
statistics-as_of = 统计于 { $time }，每小时更新
statistics-not_yet = 进展尚未统计，后台任务每小时统计一次。
