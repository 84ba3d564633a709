# Messages of search, in 简体中文.
# A key `a.b.c` in the code is the message `a-b-c` here; `{ $name }` is filled by the caller.

search-count = 共找到 { $n } 条结果
search-empty_query = 请输入要检索的文字或拼音；仅含标点或符号的内容无法检索。
search-facet-cluster = 产业集群
search-facet-district = 区县
search-facet-kind = 单位类型
search-facet-type = 类型
search-facets = 筛选
search-hint = 可输入全称、简称（如“川美”）、名称片段（如“长安”）、拼音（如“changan”）或首字母（如“cqca”）；多个词以空格分隔。
search-index_locked = 检索索引（{ $dir }）正由另一个进程使用。请先停止正在运行的服务，或为本进程设置其他 SHEJI_SEARCH_DIR。
search-label = 检索全平台
search-none = 未找到匹配的结果。请检查用字，或改用简称、拼音、更短的名称片段再试。
search-not_attached = 检索服务尚未就绪，请稍后再试。
search-placeholder = 名称、简称、拼音或信用代码
search-relaxed = 没有同时包含全部词语的结果，以下结果包含其中部分词语。
search-submit = 检索
search-synonyms = 检索同义词
search-synonyms_hint = 每行一组同义词，词语之间用逗号或空格分隔，例如：川美，四川美术学院。检索其中任一词时也会查找同组其他词。
search-synonyms_saved = 同义词已保存，共 { $n } 组。
search-synonyms_too_long = 同义词列表过长（上限 100 000 字），请精简后再保存。
search-title = 检索
search-type-organization = 企业与机构
search-type-demand = 设计需求
search-type-offer = 设计服务供给
