# Messages of search, in English.
# A key `a.b.c` in the code is the message `a-b-c` here; `{ $name }` is filled by the caller.

search-count = { $n } results
search-empty_query = Type words or pinyin to search for; punctuation and symbols alone cannot be searched.
search-facet-cluster = Cluster
search-facet-district = District
search-facet-kind = Kind
search-facet-type = Type
search-facets = Filters
search-hint = Type a full or short name, part of a name, its pinyin ("changan") or initials ("cqca"); separate words with spaces.
search-index_locked = The search index in { $dir } is in use by another process. Stop the running server first, or give this process another SHEJI_SEARCH_DIR.
search-label = Search the platform
search-none = Nothing matched. Check the spelling, or try a short name, pinyin or a shorter part of the name.
search-not_attached = Search is not ready yet. Please try again shortly.
search-placeholder = Name, short name, pinyin or credit code
search-relaxed = No result contains every word; these contain some of them.
search-submit = Search
search-synonyms = Search synonyms
search-synonyms_hint = One group per line, words separated by commas or spaces, e.g. 川美，四川美术学院. Searching for any word also finds the others in its group.
search-synonyms_saved = Synonyms saved: { $n } groups.
search-synonyms_too_long = The synonym list is too long (100 000 characters at most); shorten it and save again.
search-title = Search
search-type-organization = Organizations
search-type-demand = Design demands
search-type-offer = Design offers
