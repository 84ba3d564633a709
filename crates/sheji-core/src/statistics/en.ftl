# Statistics: the action plan's progress
statistics-progress = Progress on record
statistics-sales = New-product sales in { $year }: { $figure } 100 million yuan (as reported by enterprises)
statistics-centers = Design centers in force, all tiers: { $n }
statistics-backbone = Backbone design firms in force: { $n }
statistics-not_tracked = Not yet recorded on the platform
statistics-as_of = Counted at { $time }, every hour
statistics-not_yet = Progress has not been counted yet; a background job counts it every hour.
