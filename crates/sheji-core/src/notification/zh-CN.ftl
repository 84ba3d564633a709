notification-title = 消息
notification-todo = 待办
notification-todo_empty = 暂无待办事项。
notification-due = 截止 { $date }
notification-unread = 未读
notification-all = 全部
notification-read_all = 全部标为已读
notification-empty = 暂无消息。
notification-empty_unread = 没有未读消息。
notification-sent = 时间
notification-open = 查看
notification-count = { $n } 条未读消息
notification-todo_count = { $n } 项待办
notification-done-read_all = 已全部标为已读。
notification-msg-test = 这是一条测试消息，用于检查邮件或短信发送设置；收到即说明设置正确。
notification-kind-returned = 申报退回修改
notification-kind-progressed = 申报进展
notification-kind-rejected = 申报未获通过
notification-kind-assigned = 评审任务
notification-kind-publicity = 公示发布
notification-kind-decided = 认定结果
notification-kind-objection = 收到异议
notification-kind-expiring = 认定到期提醒
notification-kind-follow_up = 服务回访提醒
notification-kind-interest = 供需对接意向
notification-kind-deal = 合作进展
notification-kind-test = 发送测试
notification-channel-inbox = 站内消息
notification-channel-email = 电子邮件
notification-channel-sms = 短信
notification-delivery-status-queued = 排队中
notification-delivery-status-sent = 已发送
notification-delivery-status-failed = 失败，待重试
notification-delivery-status-given_up = 已放弃
notification-delivery-sent_to = 已发送至 { $recipient }
notification-delivery-given_up_because = 已放弃发送：{ $error }
notification-delivery-attempt_failed = 发送失败，稍后自动重试：{ $error }
notification-delivery-not_found = 未找到该发送记录，请从消息发送记录列表重新进入。
notification-delivery-not_given_up = 只有“已放弃”的记录可以重新发送；排队中或待重试的记录会自动发送，请稍后刷新查看。
notification-error-smtp = 邮件服务器拒绝或无法连接
notification-error-gateway = 短信网关拒绝或无法连接
notification-error-no_address = 收件人未填写电子邮箱或手机号
notification-error-not_configured = 该发送渠道已被关闭
notification-error-no_template = 短信网关未设置该类消息的模板
notification-error-inactive = 收件人账户已停用
notification-error-unreadable = 加密数据无法用本节点的密钥解开，请检查各节点的密钥是否一致
notification-test-not_configured = 该渠道尚未开通，请先在下方发送设置中填写并启用。
notification-test-no_email = 您的账户未填写电子邮箱，请先在“我的账户”中填写，再发送测试邮件。
notification-test-no_phone = 您的账户未填写手机号，请先在“我的账户”中填写，再发送测试短信。
notification-settings-host_required = 启用邮件通知须填写邮件服务器地址。
notification-settings-host_invalid = 邮件服务器地址只能包含字母、数字、点和连字符，如 smtp.example.gov.cn。
notification-settings-port_invalid = 端口须为 1 至 65535 之间的整数，或留空使用默认端口。
notification-settings-from_required = 启用邮件通知须填写发件地址。
notification-settings-from_invalid = 请填写有效的发件邮箱地址，如 noreply@example.gov.cn。
notification-settings-username_long = 用户名不能超过 128 个字符。
notification-settings-secret_long = 密码或密钥不能超过 256 个字符。
notification-settings-password_required = 填写了用户名时须同时填写密码。
notification-settings-endpoint_required = 启用短信通知须填写短信网关地址。
notification-settings-endpoint_scheme = 短信网关地址须以 https:// 或 http:// 开头。
notification-settings-endpoint_invalid = 短信网关地址不完整或含有不允许的字符，请填写如 https://sms.example.gov.cn/send 的地址。
notification-settings-template_required = 启用短信通知须为每类消息填写模板编号。
notification-settings-template_invalid = 模板编号只能包含字母、数字、下划线、点和连字符，最多 64 个字符。
notification-settings-secret_required = 启用短信通知须填写签名密钥。
notification-prefs-title = 消息通知设置
notification-prefs-link = 消息通知设置
notification-prefs-intro = 站内消息始终送达。您可以选择哪些消息同时通过电子邮件或短信发给您。
notification-prefs-kind = 消息类型
notification-prefs-always = 始终送达
notification-prefs-lang = 邮件和短信的语言
notification-prefs-saved = 已保存消息通知设置。
notification-prefs-email-available = 邮件将发送至 { $address }。
notification-prefs-email-no_address = 您尚未填写电子邮箱，请先在“我的账户”中填写，才能接收邮件通知。
notification-prefs-email-not_configured = 平台尚未开通邮件通知。
notification-prefs-sms-available = 短信将发送至您在账户中填写的手机号。
notification-prefs-sms-no_address = 您尚未填写手机号，请先在“我的账户”中填写，才能接收短信通知。
notification-prefs-sms-not_configured = 平台尚未开通短信通知。
notification-deliveries-title = 消息发送
notification-deliveries-log = 发送记录
notification-deliveries-empty = 还没有发送记录。开通邮件或短信通知后，业务消息会在这里逐条记录；可先在下方发送一条测试。
notification-deliveries-time = 时间
notification-deliveries-recipient = 接收方
notification-deliveries-kind = 消息类型
notification-deliveries-channel = 渠道
notification-deliveries-status = 状态
notification-deliveries-attempts = 尝试次数
notification-deliveries-last_error = 最近错误
notification-deliveries-next = 下次尝试
notification-deliveries-resend = 重新发送
notification-deliveries-filter = 筛选
notification-deliveries-pending_address = 发送时读取
notification-deliveries-settings = 发送设置
notification-deliveries-settings_intro = 两个渠道默认关闭。启用后，业务消息在站内送达的同时按各人的选择发送邮件或短信；发送失败会在 1 分钟、5 分钟、30 分钟、2 小时后自动重试，之后标记为“已放弃”，可在记录中重新发送。
notification-deliveries-email = 电子邮件（SMTP）
notification-deliveries-email_enabled = 启用邮件通知
notification-deliveries-email_host = 邮件服务器
notification-deliveries-email_port = 端口
notification-deliveries-email_port_hint = 留空则按加密方式使用默认端口（587、465 或 25）。
notification-deliveries-email_security = 加密方式
notification-deliveries-security-starttls = STARTTLS（端口 587）
notification-deliveries-security-tls = SSL/TLS（端口 465）
notification-deliveries-security-plain = 不加密（仅限本机或内网中继）
notification-deliveries-email_username = 用户名
notification-deliveries-email_username_hint = 邮件服务器要求登录时填写；留空则不登录。
notification-deliveries-email_password = 密码
notification-deliveries-email_from = 发件地址
notification-deliveries-secret_set = 已设置，留空则保持不变。
notification-deliveries-secret_unset = 尚未设置。
notification-deliveries-sms = 短信网关
notification-deliveries-sms_enabled = 启用短信通知
notification-deliveries-sms_endpoint = 网关地址
notification-deliveries-sms_endpoint_hint = 平台以 JSON 方式提交 phone、template、params、timestamp、nonce，并在 X-Sheji-Signature 头中附上以签名密钥计算的 HMAC-SHA256 签名（十六进制）。
notification-deliveries-sms_secret = 签名密钥
notification-deliveries-sms_templates = 各类消息的模板编号
notification-deliveries-sms_templates_hint = 填写短信服务商为每类消息审核通过的模板编号；模板参数包括 text（消息正文）和 link（链接）。
notification-deliveries-test = 发送测试
notification-deliveries-test_hint = 向您本人账户中的电子邮箱或手机号发送一条测试消息，结果显示在上方发送记录中。
notification-deliveries-test_email = 发送测试邮件
notification-deliveries-test_sms = 发送测试短信
notification-deliveries-done-saved = 已保存发送设置。
notification-deliveries-done-test = 测试消息已排队，稍后刷新本页即可在发送记录中看到结果。
notification-deliveries-done-resend = 已重新排队发送。
job-kind-notification-deliver = 发送邮件或短信
notification-mail-returned-subject = 【设计服务平台】您的申报已退回修改
notification-mail-returned-body =
    { $name }，您好：

    { $text }

    请登录平台查看退回意见并修改后重新提交：{ $link }

    本邮件由系统自动发送，请勿直接回复。如不希望接收此类邮件，可在平台“消息通知设置”中关闭。
notification-mail-progressed-subject = 【设计服务平台】您的申报有新进展
notification-mail-progressed-body =
    { $name }，您好：

    { $text }

    查看详情：{ $link }

    本邮件由系统自动发送，请勿直接回复。如不希望接收此类邮件，可在平台“消息通知设置”中关闭。
notification-mail-rejected-subject = 【设计服务平台】您的申报未获通过
notification-mail-rejected-body =
    { $name }，您好：

    { $text }

    查看详情：{ $link }

    本邮件由系统自动发送，请勿直接回复。如不希望接收此类邮件，可在平台“消息通知设置”中关闭。
notification-mail-assigned-subject = 【设计服务平台】您有新的评审任务
notification-mail-assigned-body =
    { $name }，您好：

    { $text }

    请登录平台完成评分：{ $link }

    本邮件由系统自动发送，请勿直接回复。如不希望接收此类邮件，可在平台“消息通知设置”中关闭。
notification-mail-publicity-subject = 【设计服务平台】公示已发布
notification-mail-publicity-body =
    { $name }，您好：

    { $text }

    查看公示：{ $link }

    本邮件由系统自动发送，请勿直接回复。如不希望接收此类邮件，可在平台“消息通知设置”中关闭。
notification-mail-decided-subject = 【设计服务平台】认定结果已发布
notification-mail-decided-body =
    { $name }，您好：

    { $text }

    查看详情：{ $link }

    本邮件由系统自动发送，请勿直接回复。如不希望接收此类邮件，可在平台“消息通知设置”中关闭。
notification-mail-objection-subject = 【设计服务平台】公示收到异议
notification-mail-objection-body =
    { $name }，您好：

    { $text }

    请登录平台核查处理：{ $link }

    本邮件由系统自动发送，请勿直接回复。如不希望接收此类邮件，可在平台“消息通知设置”中关闭。
notification-mail-expiring-subject = 【设计服务平台】认定即将到期
notification-mail-expiring-body =
    { $name }，您好：

    { $text }

    查看证书：{ $link }

    本邮件由系统自动发送，请勿直接回复。如不希望接收此类邮件，可在平台“消息通知设置”中关闭。
notification-mail-follow_up-subject = 【设计服务平台】服务回访临近
notification-mail-follow_up-body =
    { $name }，您好：

    { $text }

    查看服务记录：{ $link }

    本邮件由系统自动发送，请勿直接回复。如不希望接收此类邮件，可在平台“消息通知设置”中关闭。
notification-mail-interest-subject = 【设计服务平台】供需对接意向
notification-mail-interest-body =
    { $name }，您好：

    { $text }

    查看详情：{ $link }

    本邮件由系统自动发送，请勿直接回复。如不希望接收此类邮件，可在平台“消息通知设置”中关闭。
notification-mail-deal-subject = 【设计服务平台】合作进展
notification-mail-deal-body =
    { $name }，您好：

    { $text }

    查看合作：{ $link }

    本邮件由系统自动发送，请勿直接回复。如不希望接收此类邮件，可在平台“消息通知设置”中关闭。
notification-mail-test-subject = 【设计服务平台】测试邮件
notification-mail-test-body =
    { $name }，您好：

    { $text }

    平台地址：{ $link }

    本邮件由系统自动发送，请勿直接回复。
notification-prefs-lang_zh = 简体中文
notification-prefs-lang_en = 英文
