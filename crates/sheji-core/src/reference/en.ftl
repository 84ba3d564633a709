# Messages of reference data, in English.
# A key `a.b.c` in the code is the message `a-b-c` here; `{ $name }` is filled by the caller.

cluster-count = { $n } clusters
cluster-empty = No clusters yet. Ask an administrator to run sheji migrate to load the reference data.
cluster-intro = The "33618" modern manufacturing cluster system: 3 trillion-yuan leading clusters, 3 pillar clusters of 500 billion, 6 distinctive clusters of 100 billion, and 18 "rising star" clusters.
cluster-name = Cluster
cluster-source = Source
cluster-tier = Tier
cluster-title = Industry clusters
district-abolished_on = since { $date }
district-code = Division code
district-count = { $n } districts and functional zones
district-empty = No districts match. Change the filters and try again.
district-intro = The districts and functional zones the action plan covers. Abolished divisions keep their codes and dates so historical records still resolve.
district-kind = Kind
district-kind-autonomous_county = Autonomous county
district-kind-county = County
district-kind-district = District
district-kind-functional_zone = Functional zone
district-name = Name
district-no_code = none (not an administrative division)
district-status = Status
district-status-abolished = Abolished
district-status-active = Active
district-status-superseded = Superseded
district-superseded_on = since { $date }
district-title = Districts
