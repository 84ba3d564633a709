# Messages of the audit trail, in English.
# A key `a.b.c` in the code is the message `a-b-c` here; `{ $name }` is filled by the caller.

audit-action = Action
audit-actor = Actor
audit-after = After
audit-altered = Audit record #{ $id } was altered ({ $n } records before it are intact). Preserve the database and investigate now.
audit-before = Before
audit-change = Change
audit-count = { $n } records
audit-empty = No records match. Change the filters.
audit-from = From
audit-gap = Records before audit record #{ $id } were removed ({ $n } records before it are intact). Preserve the database and investigate now.
audit-id = No.
audit-ip = IP address
audit-tail_removed = The newest audit records (from #{ $id }) were removed ({ $n } remaining records are intact). Preserve the database and investigate now.
audit-target = Target
audit-target_id = Target id
audit-target_type = Target type
audit-time = Time
audit-to = To
