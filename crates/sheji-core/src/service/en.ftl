# Messages of services to enterprises, in English.
# A key `a.b.c` in the code is the message `a-b-c` here; `{ $name }` is filled by the caller.

service-all_records = All service records
service-back = Back to the organization
service-cultivation = Cultivation
service-diagnosis = Design diagnosis report
service-diagnosis_hint = Required for a design diagnosis: strengths, gaps and recommendations.
service-diagnosis_incomplete = A diagnosis needs strengths, gaps and recommendations.
service-done-marked = Marked as a cultivation target with its liaison officer.
service-done-recorded = Service recorded.
service-follow_up_on = Follow-up on
service-follow_up_order = The follow-up cannot come before the service.
service-future = The service date cannot be after today.
service-gaps = Gaps
service-goal = Goal
service-kind = Kind of service
service-kind-diagnosis = Design diagnosis
service-kind-matchmaking = Matchmaking
service-kind-policy_briefing = Policy briefing
service-kind-publicity = Publicity
service-kind-standardization = Standardization
service-kind-training = Training
service-kind_required = Choose the kind of service.
service-liaison = Liaison officer
service-liaison_staff = The liaison must be a staff account (administrator, city, HQ or branch).
service-mark = Mark as a national-cultivation target
service-new_record = Record a service
service-no_records = No services recorded yet.
service-no_work = No services recorded in this year.
service-not_target = Not a cultivation target.
service-note = Note
service-recommendations = Recommendations
service-records = Services
service-served_on = Date
service-strengths = Strengths
service-summary = What was done
service-summary_required = Describe the service.
service-title = Services
service-total = Total
service-todo-follow_ups = { $n } service follow-ups are due soon or overdue
service-msg-follow_up = A follow-up visit to { $organization } is due { $days ->
    [0] today
   *[other] in { $days } days ({ $date })
}.

service-liaison_hint = Choose among the staff. A branch officer may follow an organization in another district, and may then open its page.
service-no_liaison = None for now
service-liaison_choice = { $name } ({ $username })
service-liaison_choice_branch = { $name } ({ $username } · { $district } branch)
service-note_hint = An internal working note: staff only, the organization never sees it.
service-work_intro = A service counts for the branch of the officer who recorded it; services recorded by city or headquarters staff count for the organization's district.
service-by_district = By district (branch)
service-by_officer = By officer
service-officer = Officer
service-branch = Branch
