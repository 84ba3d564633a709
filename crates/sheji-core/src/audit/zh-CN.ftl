# Messages of the audit trail, in 简体中文.
# A key `a.b.c` in the code is the message `a-b-c` here; `{ $name }` is filled by the caller.

audit-action = 操作
audit-actor = 操作人
audit-after = 变更后
audit-altered = 审计记录 #{ $id } 的内容已被篡改（此前 { $n } 条完整）。请立即保全数据库并排查。
audit-before = 变更前
audit-change = 变更内容
audit-count = 共 { $n } 条记录
audit-empty = 没有符合条件的记录。请调整筛选条件。
audit-from = 起始日期
audit-gap = 审计记录 #{ $id } 之前有记录被删除（此前 { $n } 条完整）。请立即保全数据库并排查。
audit-id = 序号
audit-ip = IP 地址
audit-tail_removed = 最新的审计记录（#{ $id } 起）已被删除（现存 { $n } 条完整）。请立即保全数据库并排查。
audit-target = 对象
audit-target_id = 对象编号
audit-target_type = 对象类型
audit-time = 时间
audit-to = 截止日期
