package namekey

// go-pinyin reads each character alone with its most frequent pronunciation,
// which is wrong for some words common in the names of Chinese institutions
// and for some surnames. These tables hold the exceptions; every entry maps
// a word of n characters to exactly n syllables (a test checks this).

const maxWordLen = 3

// phrases are words read differently from their characters' first readings,
// chosen from place names and terms that occur in hospital and university names.
var phrases = map[string][]string{
	"重庆": {"chong", "qing"},
	"厦门": {"xia", "men"},
	"长沙": {"chang", "sha"},
	"长春": {"chang", "chun"},
	"长治": {"chang", "zhi"},
	"长江": {"chang", "jiang"},
	"长海": {"chang", "hai"},
	"长征": {"chang", "zheng"},
	"长庚": {"chang", "geng"},
	"长安": {"chang", "an"},
	"长宁": {"chang", "ning"},
	"长乐": {"chang", "le"},
	"长兴": {"chang", "xing"},
	"长寿": {"chang", "shou"},
	"延长": {"yan", "chang"},
	"西藏": {"xi", "zang"},
	"藏族": {"zang", "zu"},
	"藏医": {"zang", "yi"},
	"蚌埠": {"beng", "bu"},
	"六安": {"lu", "an"},
	"番禺": {"pan", "yu"},
	"乐清": {"yue", "qing"},
	"佛山": {"fo", "shan"},
	"佛教": {"fo", "jiao"},
	"银行": {"yin", "hang"},
	"行业": {"hang", "ye"},
	"会计": {"kuai", "ji"},
	"大夫": {"dai", "fu"},
}

// surnames are read at the start of a personal name only: 曾 is "zeng" as a
// surname but "ceng" in 曾经, 单 "shan" but "dan" in 单位.
var surnames = map[string][]string{
	"尉迟": {"yu", "chi"},
	"单于": {"chan", "yu"},
	"万俟": {"mo", "qi"},
	"澹台": {"tan", "tai"},
	"曾":  {"zeng"},
	"单":  {"shan"},
	"区":  {"ou"},
	"解":  {"xie"},
	"朴":  {"piao"},
	"仇":  {"qiu"},
	"查":  {"zha"},
	"覃":  {"qin"},
	"缪":  {"miao"},
	"翟":  {"zhai"},
	"盖":  {"ge"},
	"秘":  {"bi"},
	"种":  {"chong"},
	"重":  {"chong"},
	"繁":  {"po"},
	"召":  {"shao"},
	"员":  {"yun"},
	"能":  {"nai"},
	"句":  {"gou"},
	"薄":  {"bo"},
	"折":  {"she"},
	"炅":  {"gui"},
	"都":  {"du"},
	"藏":  {"zang"},
	"蕃":  {"pi"},
	"隗":  {"wei"},
	"阚":  {"kan"},
	"颉":  {"xie"},
	"卜":  {"bu"},
	"郇":  {"xun"},
	"祭":  {"zhai"},
	"乜":  {"nie"},
	"洗":  {"xian"},
}
