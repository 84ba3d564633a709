# Messages of services to enterprises, in 简体中文.
# A key `a.b.c` in the code is the message `a-b-c` here; `{ $name }` is filled by the caller.

service-all_records = 全部服务记录
service-back = 返回企业页面
service-cultivation = 培育对象
service-diagnosis = 设计诊断报告
service-diagnosis_hint = 服务类型为“设计诊断”时须填写优势、差距和建议。
service-diagnosis_incomplete = 设计诊断须填写优势、差距与问题、改进建议三部分。
service-done-marked = 已设为培育对象并指定服务专员。
service-done-recorded = 服务记录已保存。
service-follow_up_on = 回访日期
service-follow_up_order = 回访日期不能早于服务日期。
service-future = 服务日期不能晚于今天。
service-gaps = 差距与问题
service-goal = 培育目标
service-kind = 服务类型
service-kind-diagnosis = 设计诊断
service-kind-matchmaking = 供需对接
service-kind-policy_briefing = 政策宣讲
service-kind-publicity = 宣传推广
service-kind-standardization = 标准化服务
service-kind-training = 培训
service-kind_required = 请选择服务类型。
service-liaison = 服务专员
service-liaison_staff = 服务专员须为工作人员账号（管理员、市经信委、促进中心或分中心）。
service-mark = 设为国家级培育对象
service-new_record = 记录一次服务
service-no_records = 暂无服务记录。
service-no_work = 该年度暂无服务记录。
service-not_target = 尚未列为培育对象。
service-note = 备注
service-recommendations = 改进建议
service-records = 服务记录
service-served_on = 服务日期
service-strengths = 优势
service-summary = 服务内容
service-summary_required = 请填写服务内容。
service-title = 服务记录
service-total = 合计
service-todo-follow_ups = { $n } 项服务回访临近或已到期
service-msg-follow_up = { $days ->
    [0] 今天
   *[other] { $days } 天后（{ $date }）
}应对{ $organization }进行服务回访。

service-liaison_hint = 从工作人员中选择；分中心人员可跨区县担任服务专员，并可打开该企业页面。
service-no_liaison = 暂不指定
service-liaison_choice = { $name }（{ $username }）
service-liaison_choice_branch = { $name }（{ $username } · { $district }分中心）
service-note_hint = 内部工作备注，仅工作人员可见，企业看不到。
service-work_intro = 服务记录计入记录人所在分中心；市经信委和促进中心人员的记录计入企业所在区县。
service-by_district = 按区县（分中心）
service-by_officer = 按服务人员
service-officer = 服务人员
service-branch = 所属分中心
