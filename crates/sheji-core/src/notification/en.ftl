notification-title = Messages
notification-todo = To do
notification-todo_empty = Nothing waits for you.
notification-due = due { $date }
notification-unread = Unread
notification-all = All
notification-read_all = Mark all read
notification-empty = No messages yet.
notification-empty_unread = No unread messages.
notification-sent = Sent
notification-open = Open
notification-count = { $n } unread messages
notification-todo_count = { $n } things to do
notification-done-read_all = All marked read.
notification-msg-test = This is a test message to check the e-mail or SMS settings; if it reached you, they are correct.
notification-kind-returned = Application returned for correction
notification-kind-progressed = Application progress
notification-kind-rejected = Application not approved
notification-kind-assigned = Review assignments
notification-kind-publicity = Public notices
notification-kind-decided = Recognition results
notification-kind-objection = Objections received
notification-kind-expiring = Recognition expiry reminders
notification-kind-follow_up = Service follow-up reminders
notification-kind-interest = Matchmaking interest
notification-kind-deal = Deal progress
notification-kind-test = Test
notification-channel-inbox = In-site message
notification-channel-email = E-mail
notification-channel-sms = SMS
notification-delivery-status-queued = Queued
notification-delivery-status-sent = Sent
notification-delivery-status-failed = Failed, will retry
notification-delivery-status-given_up = Given up
notification-delivery-sent_to = Sent to { $recipient }
notification-delivery-given_up_because = Given up: { $error }
notification-delivery-attempt_failed = Sending failed and will be retried automatically: { $error }
notification-delivery-not_found = This delivery was not found. Open it again from the delivery log.
notification-delivery-not_given_up = Only deliveries that were given up can be sent again; queued or failed ones are retried automatically, so refresh later to see the result.
notification-error-smtp = The mail server refused or could not be reached
notification-error-gateway = The SMS gateway refused or could not be reached
notification-error-no_address = The recipient has no e-mail address or phone number
notification-error-not_configured = This channel has been switched off
notification-error-no_template = The SMS gateway has no template for this kind of message
notification-error-inactive = The recipient's account is disabled
notification-error-unreadable = Encrypted data cannot be read with this node's key; check that every node has the same key
notification-test-not_configured = This channel is not switched on. Fill in and enable its settings below first.
notification-test-no_email = Your account has no e-mail address. Add one under My account, then send the test e-mail.
notification-test-no_phone = Your account has no phone number. Add one under My account, then send the test SMS.
notification-settings-host_required = Enter the mail server to enable e-mail.
notification-settings-host_invalid = The mail server may contain only letters, digits, dots and hyphens, such as smtp.example.gov.cn.
notification-settings-port_invalid = Enter a port from 1 to 65535, or leave it empty for the default port.
notification-settings-from_required = Enter the sender address to enable e-mail.
notification-settings-from_invalid = Enter a valid sender address, such as noreply@example.gov.cn.
notification-settings-username_long = The username may be at most 128 characters.
notification-settings-secret_long = The password or secret may be at most 256 characters.
notification-settings-password_required = Enter the password for this username.
notification-settings-endpoint_required = Enter the gateway address to enable SMS.
notification-settings-endpoint_scheme = The gateway address must start with https:// or http://.
notification-settings-endpoint_invalid = The gateway address is incomplete or contains characters that are not allowed; enter an address such as https://sms.example.gov.cn/send.
notification-settings-template_required = Enter a template id for every kind of message to enable SMS.
notification-settings-template_invalid = A template id may contain only letters, digits, underscores, dots and hyphens, at most 64 characters.
notification-settings-secret_required = Enter the signature secret to enable SMS.
notification-prefs-title = Notification settings
notification-prefs-link = Notification settings
notification-prefs-intro = In-site messages always arrive. Choose which messages are also sent to you by e-mail or SMS.
notification-prefs-kind = Kind of message
notification-prefs-always = Always
notification-prefs-lang = Language of e-mails and text messages
notification-prefs-saved = Notification settings saved.
notification-prefs-email-available = E-mails go to { $address }.
notification-prefs-email-no_address = You have not given an e-mail address. Add one under My account to receive e-mails.
notification-prefs-email-not_configured = The platform does not send e-mails yet.
notification-prefs-sms-available = Text messages go to the phone number in your account.
notification-prefs-sms-no_address = You have not given a phone number. Add one under My account to receive text messages.
notification-prefs-sms-not_configured = The platform does not send text messages yet.
notification-deliveries-title = Outgoing messages
notification-deliveries-log = Delivery log
notification-deliveries-empty = Nothing has been sent yet. Once e-mail or SMS is switched on, every message sent is logged here; you can send a test below first.
notification-deliveries-time = Time
notification-deliveries-recipient = Recipient
notification-deliveries-kind = Kind
notification-deliveries-channel = Channel
notification-deliveries-status = Status
notification-deliveries-attempts = Attempts
notification-deliveries-last_error = Last error
notification-deliveries-next = Next attempt
notification-deliveries-resend = Send again
notification-deliveries-filter = Filter
notification-deliveries-pending_address = Read when sent
notification-deliveries-settings = Sending settings
notification-deliveries-settings_intro = Both channels are off until enabled. Once enabled, each message is also sent by e-mail or SMS as each person chose; a failure is retried after 1 minute, 5 minutes, 30 minutes and 2 hours, then marked given up, and can be sent again from the log.
notification-deliveries-email = E-mail (SMTP)
notification-deliveries-email_enabled = Enable e-mail
notification-deliveries-email_host = Mail server
notification-deliveries-email_port = Port
notification-deliveries-email_port_hint = Leave empty to use the default port of the chosen security (587, 465 or 25).
notification-deliveries-email_security = Security
notification-deliveries-security-starttls = STARTTLS (port 587)
notification-deliveries-security-tls = SSL/TLS (port 465)
notification-deliveries-security-plain = None (only for a relay on this machine or network)
notification-deliveries-email_username = Username
notification-deliveries-email_username_hint = Only if the mail server requires a login; leave empty otherwise.
notification-deliveries-email_password = Password
notification-deliveries-email_from = Sender address
notification-deliveries-secret_set = Set; leave empty to keep it.
notification-deliveries-secret_unset = Not set.
notification-deliveries-sms = SMS gateway
notification-deliveries-sms_enabled = Enable SMS
notification-deliveries-sms_endpoint = Gateway address
notification-deliveries-sms_endpoint_hint = The platform posts JSON with phone, template, params, timestamp and nonce, signed in the X-Sheji-Signature header with HMAC-SHA256 of the body under the signature secret (hex).
notification-deliveries-sms_secret = Signature secret
notification-deliveries-sms_templates = Template id for each kind of message
notification-deliveries-sms_templates_hint = Enter the template id your SMS provider approved for each kind of message; template parameters include text (the message) and link.
notification-deliveries-test = Send a test
notification-deliveries-test_hint = Sends a test message to the e-mail address or phone number in your own account; the result appears in the delivery log above.
notification-deliveries-test_email = Send a test e-mail
notification-deliveries-test_sms = Send a test SMS
notification-deliveries-done-saved = Sending settings saved.
notification-deliveries-done-test = The test message is queued; refresh this page shortly to see the result in the log.
notification-deliveries-done-resend = Queued to be sent again.
job-kind-notification-deliver = Send an e-mail or SMS
notification-mail-returned-subject = [Design Service Platform] Your application was returned for correction
notification-mail-returned-body =
    Dear { $name },

    { $text }

    Sign in to read the comments, correct the application and submit it again: { $link }

    This e-mail was sent automatically; please do not reply. To stop such e-mails, change your notification settings on the platform.
notification-mail-progressed-subject = [Design Service Platform] Your application has moved on
notification-mail-progressed-body =
    Dear { $name },

    { $text }

    Details: { $link }

    This e-mail was sent automatically; please do not reply. To stop such e-mails, change your notification settings on the platform.
notification-mail-rejected-subject = [Design Service Platform] Your application was not approved
notification-mail-rejected-body =
    Dear { $name },

    { $text }

    Details: { $link }

    This e-mail was sent automatically; please do not reply. To stop such e-mails, change your notification settings on the platform.
notification-mail-assigned-subject = [Design Service Platform] You have new items to review
notification-mail-assigned-body =
    Dear { $name },

    { $text }

    Sign in to score them: { $link }

    This e-mail was sent automatically; please do not reply. To stop such e-mails, change your notification settings on the platform.
notification-mail-publicity-subject = [Design Service Platform] A public notice was published
notification-mail-publicity-body =
    Dear { $name },

    { $text }

    Read the notice: { $link }

    This e-mail was sent automatically; please do not reply. To stop such e-mails, change your notification settings on the platform.
notification-mail-decided-subject = [Design Service Platform] Recognition results are out
notification-mail-decided-body =
    Dear { $name },

    { $text }

    Details: { $link }

    This e-mail was sent automatically; please do not reply. To stop such e-mails, change your notification settings on the platform.
notification-mail-objection-subject = [Design Service Platform] An objection was raised
notification-mail-objection-body =
    Dear { $name },

    { $text }

    Sign in to look into it: { $link }

    This e-mail was sent automatically; please do not reply. To stop such e-mails, change your notification settings on the platform.
notification-mail-expiring-subject = [Design Service Platform] A recognition expires soon
notification-mail-expiring-body =
    Dear { $name },

    { $text }

    Certificate: { $link }

    This e-mail was sent automatically; please do not reply. To stop such e-mails, change your notification settings on the platform.
notification-mail-follow_up-subject = [Design Service Platform] A service follow-up is due
notification-mail-follow_up-body =
    Dear { $name },

    { $text }

    See the service records: { $link }

    This e-mail was sent automatically; please do not reply. To stop e-mails like this, change your notification settings on the platform.
notification-mail-interest-subject = [Design Service Platform] Matchmaking: an interest for you
notification-mail-interest-body =
    Dear { $name },

    { $text }

    Open it: { $link }

    This e-mail was sent automatically; please do not reply. To stop such e-mails, change your notification settings on the platform.
notification-mail-deal-subject = [Design Service Platform] A deal of yours moved
notification-mail-deal-body =
    Dear { $name },

    { $text }

    Open the deal: { $link }

    This e-mail was sent automatically; please do not reply. To stop such e-mails, change your notification settings on the platform.
notification-mail-test-subject = [Design Service Platform] Test e-mail
notification-mail-test-body =
    Dear { $name },

    { $text }

    Platform: { $link }

    This e-mail was sent automatically; please do not reply.
notification-prefs-lang_zh = Chinese (Simplified)
notification-prefs-lang_en = English
