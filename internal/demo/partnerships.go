package demo

import (
	"fmt"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/placement"
)

// partnerAbroad is one of the university's partner institutions outside
// mainland China: real, well-known universities and hospitals. With the
// partners already in institutions.go (NUS Medicine, Liverpool, UCL,
// Pittsburgh, Queensland) they make the 67 partners in 24 countries and
// regions across Europe, Asia, North America and Oceania of the APMEC 2026
// report; the partners report counts them from the agreements below.
var partnersAbroad = []struct {
	handle, zh, en, country, city string
	kind                          institution.Kind
}{
	// United States (9 with Pittsburgh)
	{"jhu", "约翰斯·霍普金斯大学", "Johns Hopkins University", "US", "Baltimore", "outside_university"},
	{"ucsf", "加利福尼亚大学旧金山分校", "University of California, San Francisco", "US", "San Francisco", "outside_university"},
	{"umich", "密歇根大学", "University of Michigan", "US", "Ann Arbor", "outside_university"},
	{"mayo", "梅奥医学中心", "Mayo Clinic", "US", "Rochester", "outside_hospital"},
	{"uw", "华盛顿大学", "University of Washington", "US", "Seattle", "outside_university"},
	{"emory", "埃默里大学", "Emory University", "US", "Atlanta", "outside_university"},
	{"uab", "阿拉巴马大学伯明翰分校", "University of Alabama at Birmingham", "US", "Birmingham", "outside_university"},
	{"kumc", "堪萨斯大学医学中心", "University of Kansas Medical Center", "US", "Kansas City", "outside_university"},
	// Canada (2)
	{"utoronto", "多伦多大学", "University of Toronto", "CA", "Toronto", "outside_university"},
	{"ualberta", "阿尔伯塔大学", "University of Alberta", "CA", "Edmonton", "outside_university"},
	// United Kingdom (7 with Liverpool and UCL)
	{"kcl", "伦敦国王学院", "King's College London", "GB", "London", "outside_university"},
	{"ed", "爱丁堡大学", "The University of Edinburgh", "GB", "Edinburgh", "outside_university"},
	{"gla", "格拉斯哥大学", "University of Glasgow", "GB", "Glasgow", "outside_university"},
	{"leeds", "利兹大学", "University of Leeds", "GB", "Leeds", "outside_university"},
	{"lstm", "利物浦热带医学院", "Liverpool School of Tropical Medicine", "GB", "Liverpool", "outside_university"},
	// Germany (3)
	{"charite", "柏林夏里特医学院", "Charité – Universitätsmedizin Berlin", "DE", "Berlin", "outside_hospital"},
	{"uni-hd", "海德堡大学", "Heidelberg University", "DE", "Heidelberg", "outside_university"},
	{"lmu", "慕尼黑大学", "Ludwig-Maximilians-Universität München", "DE", "München", "outside_university"},
	// France (2)
	{"u-paris", "巴黎西岱大学", "Université Paris Cité", "FR", "Paris", "outside_university"},
	{"u-bordeaux", "波尔多大学", "Université de Bordeaux", "FR", "Bordeaux", "outside_university"},
	// Netherlands (2)
	{"uva", "阿姆斯特丹大学", "University of Amsterdam", "NL", "Amsterdam", "outside_university"},
	{"maastricht", "马斯特里赫特大学", "Maastricht University", "NL", "Maastricht", "outside_university"},
	// Sweden (2)
	{"ki", "卡罗林斯卡学院", "Karolinska Institutet", "SE", "Stockholm", "outside_university"},
	{"uu", "乌普萨拉大学", "Uppsala University", "SE", "Uppsala", "outside_university"},
	// Italy (2)
	{"unimi", "米兰大学", "University of Milan", "IT", "Milano", "outside_university"},
	{"unibo", "博洛尼亚大学", "University of Bologna", "IT", "Bologna", "outside_university"},
	// Ireland, Belgium, Switzerland (1 each)
	{"tcd", "都柏林圣三一大学", "Trinity College Dublin", "IE", "Dublin", "outside_university"},
	{"kuleuven", "鲁汶大学", "KU Leuven", "BE", "Leuven", "outside_university"},
	{"unige", "日内瓦大学", "University of Geneva", "CH", "Genève", "outside_university"},
	// Japan (5)
	{"utokyo", "东京大学", "The University of Tokyo", "JP", "Tokyo", "outside_university"},
	{"kyoto-u", "京都大学", "Kyoto University", "JP", "Kyoto", "outside_university"},
	{"osaka-u", "大阪大学", "Osaka University", "JP", "Osaka", "outside_university"},
	{"hiroshima-u", "广岛大学", "Hiroshima University", "JP", "Hiroshima", "outside_university"},
	{"nagasaki-u", "长崎大学", "Nagasaki University", "JP", "Nagasaki", "outside_university"},
	// Republic of Korea (4)
	{"snu", "首尔国立大学", "Seoul National University", "KR", "Seoul", "outside_university"},
	{"yonsei", "延世大学", "Yonsei University", "KR", "Seoul", "outside_university"},
	{"korea-u", "高丽大学", "Korea University", "KR", "Seoul", "outside_university"},
	{"cnu-kr", "全南大学", "Chonnam National University", "KR", "Gwangju", "outside_university"},
	// Singapore (2 with NUS Medicine)
	{"ntu-lkc", "南洋理工大学李光前医学院", "Lee Kong Chian School of Medicine, Nanyang Technological University", "SG", "Singapore", "outside_university"},
	// Hong Kong, Macao, Taiwan (3, 1, 3)
	{"hku", "香港大学", "The University of Hong Kong", "HK", "Hong Kong", "outside_university"},
	{"cuhk", "香港中文大学", "The Chinese University of Hong Kong", "HK", "Hong Kong", "outside_university"},
	{"polyu", "香港理工大学", "The Hong Kong Polytechnic University", "HK", "Hong Kong", "outside_university"},
	{"must", "澳门科技大学", "Macau University of Science and Technology", "MO", "Macao", "outside_university"},
	{"ntu-tw", "台湾大学", "National Taiwan University", "TW", "Taipei", "outside_university"},
	{"cgu", "长庚大学", "Chang Gung University", "TW", "Taoyuan", "outside_university"},
	{"kmu", "高雄医学大学", "Kaohsiung Medical University", "TW", "Kaohsiung", "outside_university"},
	// Thailand (3)
	{"mahidol", "玛希隆大学", "Mahidol University", "TH", "Bangkok", "outside_university"},
	{"chula", "朱拉隆功大学", "Chulalongkorn University", "TH", "Bangkok", "outside_university"},
	{"cmu-th", "清迈大学", "Chiang Mai University", "TH", "Chiang Mai", "outside_university"},
	// Malaysia (2)
	{"um", "马来亚大学", "Universiti Malaya", "MY", "Kuala Lumpur", "outside_university"},
	{"ukm", "马来西亚国民大学", "Universiti Kebangsaan Malaysia", "MY", "Bangi", "outside_university"},
	// Pakistan (2)
	{"aku", "阿迦汗大学", "Aga Khan University", "PK", "Karachi", "outside_university"},
	{"kemu", "爱德华国王医科大学", "King Edward Medical University", "PK", "Lahore", "outside_university"},
	// Nepal (1)
	{"tu-np", "特里布文大学", "Tribhuvan University", "NP", "Kathmandu", "outside_university"},
	// Viet Nam (2)
	{"hmu", "河内医科大学", "Hanoi Medical University", "VN", "Hanoi", "outside_university"},
	{"ump", "胡志明市医药大学", "University of Medicine and Pharmacy at Ho Chi Minh City", "VN", "Ho Chi Minh City", "outside_university"},
	// Australia (5 with Queensland)
	{"unimelb", "墨尔本大学", "The University of Melbourne", "AU", "Melbourne", "outside_university"},
	{"monash", "莫纳什大学", "Monash University", "AU", "Melbourne", "outside_university"},
	{"adelaide", "阿德莱德大学", "The University of Adelaide", "AU", "Adelaide", "outside_university"},
	{"unsw", "新南威尔士大学", "UNSW Sydney", "AU", "Sydney", "outside_university"},
	// New Zealand (2)
	{"auckland", "奥克兰大学", "The University of Auckland", "NZ", "Auckland", "outside_university"},
	{"otago", "奥塔哥大学", "University of Otago", "NZ", "Dunedin", "outside_university"},
}

// partnerHandles are the 67 partners abroad, in the order their agreements are made.
func partnerHandles() []string {
	out := []string{"nus-med", "uol", "ucl", "pitt", "uq"}
	for _, p := range partnersAbroad {
		out = append(out, p.handle)
	}
	return out
}

func (b *builder) loadPartnerships() error {
	for _, p := range partnersAbroad {
		inst, err := institution.Create(b.ctx, b.tx, actor, institution.Input{Kind: p.kind, NameZH: p.zh, NameEN: p.en,
			Country: p.country, City: p.city, TimeZone: zoneOf(p.country)})
		if err != nil {
			return fmt.Errorf("partner %s: %w", p.handle, err)
		}
		b.ids[p.handle] = inst.ID
	}
	// One memorandum per partner; a few end within the office's 90-day window.
	for i, h := range partnerHandles() {
		start := fmt.Sprintf("%04d-%02d-01", 2016+i%9, 1+i%12)
		end := fmt.Sprintf("%04d-%02d-01", 2028+i%4, 1+i%12)
		status := "active"
		if i%23 == 5 {
			end, status = "2027-01-31", "expiring"
		}
		if _, err := b.agreement(agreement.Input{Kind: "partnership", Scope: "international",
			NameZH: "重庆医科大学合作备忘录", NameEN: "Memorandum of understanding on cooperation",
			SignedOn: start, StartOn: start, EndOn: end, Status: status, PartyIDs: []int64{b.ids["cqmu"], b.ids[h]},
			Terms: []agreement.Term{{Kind: "obligation", Text: "Exchange of students and staff, joint research and joint teaching programmes"}},
		}); err != nil {
			return fmt.Errorf("partnership with %s: %w", h, err)
		}
	}
	// A domestic partnership, and agreements that no longer make partners.
	for _, a := range []agreement.Input{
		{Kind: "partnership", Scope: "domestic", NameZH: "医学教育合作协议", NameEN: "Medical education cooperation agreement",
			SignedOn: "2024-03-15", StartOn: "2024-03-15", EndOn: "2029-03-14", Status: "active", PartyIDs: []int64{b.ids["cqmu"], b.ids["xjtu"]}},
		{Kind: "partnership", Scope: "international", NameZH: "合作备忘录（已终止）", NameEN: "Memorandum of understanding (terminated)",
			SignedOn: "2014-09-01", StartOn: "2014-09-01", EndOn: "2019-08-31", Status: "terminated", PartyIDs: []int64{b.ids["cqmu"], b.ids["nwmch"]}},
	} {
		if _, err := b.agreement(a); err != nil {
			return err
		}
	}
	if err := b.loadBases(); err != nil {
		return err
	}
	return b.loadPlacements()
}

func (b *builder) agreement(in agreement.Input) (agreement.Agreement, error) {
	return agreement.Create(b.ctx, b.tx, actor, in)
}

// representative creates a person on one side of a meeting.
func (b *builder) representative(handle, zh, en, inst, dept, title string) (int64, error) {
	if id, ok := b.ids["person/"+handle]; ok {
		return id, nil
	}
	p, err := person.Create(b.ctx, b.tx, actor, person.Input{NameZH: zh, NameEN: en, Gender: "unknown", Title: title,
		Category: "administrator", InstitutionID: b.ids[inst], DepartmentID: b.ids[inst+"/"+dept]})
	if err != nil {
		return 0, fmt.Errorf("representative %s: %w", handle, err)
	}
	b.ids["person/"+handle] = p.ID
	return p.ID, nil
}

// loadBases records the bases of the context pages: the 2022 undergraduate
// internship base of the College of Biomedical Engineering at CQHCWC with
// its 5 July meeting (6 representatives of the college led by Zhou Pingyuan,
// 12 of CQHCWC including Li Fang), the 2023 postgraduate joint training
// base for public health licensed by Sichuan University's West China School
// of Public Health / West China Fourth Hospital, and the Hangzhou
// hospital's national CME bases of 1998.
func (b *builder) loadBases() error {
	internship, err := b.agreement(agreement.Input{Kind: "internship_base",
		NameZH: "生物医学工程专业本科教学实习基地协议", NameEN: "Undergraduate internship base agreement for biomedical engineering",
		SignedOn: "2022-07-05", StartOn: "2022-09-01", EndOn: "2027-08-31", Status: "active",
		PartyIDs:   []int64{b.ids["cqmu-bme"], b.ids["cqhcwc"]},
		Capacities: []agreement.Capacity{{Discipline: "biomedical_engineering", PerYear: 12}},
		Terms: []agreement.Term{
			{Kind: "right", Text: "The college may place undergraduates of biomedical engineering at the centre for their internship each year, within the agreed capacity"},
			{Kind: "right", Text: "The centre may take part in designing the internship curriculum and in assessing the interns"},
			{Kind: "right", Text: "The centre's teachers may apply for the college's teaching titles and use its State Key Laboratory of Ultrasound in Medicine and Engineering for joint research"},
			{Kind: "obligation", Text: "The centre provides supervisors, the relevant departments and its clinical skills center for teaching practice"},
			{Kind: "obligation", Text: "The college sends an internship plan and the list of interns before each placement and pays the agreed teaching costs"},
			{Kind: "obligation", Text: "Interns follow the centre's rules and patient-privacy requirements"},
			{Kind: "safety", Text: "The college insures every intern against accident for the whole placement"},
			{Kind: "safety", Text: "The centre gives interns safety and infection-control training before they start and protective equipment on the wards"},
			{Kind: "safety", Text: "Each side names a contact who is reachable at all times during a placement"},
		},
	})
	if err != nil {
		return fmt.Errorf("internship base: %w", err)
	}
	b.ids["agreement/bme-internship"] = internship.ID
	college := []int64{b.ids["person/zhou-pingyuan"]}
	for i, n := range []struct{ zh, en string }{{"陈静", "Chen Jing"}, {"刘洋", "Liu Yang"}, {"黄磊", "Huang Lei"}, {"赵敏", "Zhao Min"}, {"孙丽", "Sun Li"}} {
		id, err := b.representative(fmt.Sprintf("bme-rep-%d", i+1), n.zh, n.en, "cqmu-bme", "Department of Biomedical Engineering", "associate_senior")
		if err != nil {
			return err
		}
		college = append(college, id)
	}
	centre := []int64{b.ids["person/li-fang"]}
	for i, n := range []struct{ zh, en string }{{"王芳", "Wang Fang"}, {"张伟", "Zhang Wei"}, {"杨洋", "Yang Yang"}, {"吴静", "Wu Jing"},
		{"徐强", "Xu Qiang"}, {"马丽", "Ma Li"}, {"朱华", "Zhu Hua"}, {"胡军", "Hu Jun"}, {"郭敏", "Guo Min"}, {"何平", "He Ping"}, {"林霞", "Lin Xia"}} {
		dept := []string{"Academic Affairs Department", "Gynaecology", "Obstetrics", "Paediatrics", "Clinical Skills Center"}[i%5]
		id, err := b.representative(fmt.Sprintf("cqhcwc-rep-%d", i+1), n.zh, n.en, "cqhcwc", dept, "associate_senior")
		if err != nil {
			return err
		}
		centre = append(centre, id)
	}
	_, err = agreement.AddMeeting(b.ctx, b.tx, actor, internship.ID, agreement.MeetingInput{HeldOn: "2022-07-05",
		Place:     "Chongqing Health Center for Women and Children",
		Minutes:   "The two sides presented their development, scientific and educational achievements and plans; discussed internship arrangements, rights and obligations and security guarantees; and agreed to build an internship base for undergraduates majoring in biomedical engineering. The delegation then visited relevant departments and the clinical skills center.",
		PersonIDs: append(college, centre...), LeaderIDs: []int64{b.ids["person/zhou-pingyuan"], b.ids["person/li-fang"]}})
	if err != nil {
		return fmt.Errorf("internship base meeting: %w", err)
	}

	postgraduate, err := b.agreement(agreement.Input{Kind: "postgraduate_joint_base",
		NameZH: "产教融合研究生联合培养基地", NameEN: "Industry-education integration postgraduate joint training base (public health)",
		SignedOn: "2023-05-05", StartOn: "2023-05-05", EndOn: "2028-05-04", Status: "active",
		PartyIDs:    []int64{b.ids["scu-wcsph"], b.ids["scu-wc4h"], b.ids["cqhcwc"]},
		Disciplines: []string{"public_health"},
		Capacities:  []agreement.Capacity{{Discipline: "public_health", PerYear: 6}},
		Notes:       "Licensed by the West China School of Public Health / West China Fourth Hospital of Sichuan University; CQHCWC is a joint training base for public health postgraduates of both Chongqing Medical University and Sichuan University.",
		Terms: []agreement.Term{
			{Kind: "right", Text: "The base takes public health postgraduates of Sichuan University for practice and research training"},
			{Kind: "obligation", Text: "The two sides cooperate in personnel training, scientific research, achievements and social services"},
			{Kind: "safety", Text: "Postgraduates are insured and receive the base's safety training before practice"},
		},
	})
	if err != nil {
		return fmt.Errorf("postgraduate base: %w", err)
	}
	b.ids["agreement/public-health-base"] = postgraduate.ID
	attendees := []int64{b.ids["person/luo-qian"]}
	for i, n := range []struct{ zh, en string }{{"罗敏", "Luo Min"}, {"高静", "Gao Jing"}} {
		id, err := b.representative(fmt.Sprintf("cqhcwc-licensing-%d", i+1), n.zh, n.en, "cqhcwc", "Public Health", "intermediate")
		if err != nil {
			return err
		}
		attendees = append(attendees, id)
	}
	_, err = agreement.AddMeeting(b.ctx, b.tx, actor, postgraduate.ID, agreement.MeetingInput{HeldOn: "2023-05-05",
		Place:     "West China Fourth Hospital, Sichuan University, Chengdu",
		Minutes:   "Licensing meeting (dated as reported on 5 May 2023). Luo Qian, deputy director of the centre's academic affairs department, introduced how the two sides could best cooperate to meet demand.",
		PersonIDs: attendees})
	if err != nil {
		return fmt.Errorf("licensing meeting: %w", err)
	}

	if _, err := b.agreement(agreement.Input{Kind: "cme_base", Level: "national",
		NameZH: "国家级继续医学教育基地（肝胆胰外科、感染病科）", NameEN: "National CME base (hepatobiliary and pancreatic surgery; infectious diseases)",
		SignedOn: "1998-01-01", StartOn: "1998-01-01", Status: "active", Disciplines: []string{"hepatobiliary_surgery", "infectious_diseases"},
		PartyIDs: []int64{b.ids["cmeb"], b.ids["zju1h"]}}); err != nil {
		return fmt.Errorf("cme base: %w", err)
	}
	return nil
}

// loadPlacements places biomedical engineering students at the internship
// base and a public health postgraduate at the joint training base.
func (b *builder) loadPlacements() error {
	supervisor := b.ids["person/cqhcwc-rep-5"]
	for i, n := range []struct{ zh, en string }{{"李欣", "Li Xin"}, {"周怡", "Zhou Yi"}, {"陈晨", "Chen Chen"}, {"杨婷", "Yang Ting"}} {
		s, err := person.Create(b.ctx, b.tx, actor, person.Input{NameZH: n.zh, NameEN: n.en, Gender: "unknown", Title: "none",
			Category: "student", InstitutionID: b.ids["cqmu-bme"], StaffNumber: fmt.Sprintf("BME2022%02d", i+1)})
		if err != nil {
			return fmt.Errorf("student %d: %w", i, err)
		}
		p, err := placement.Create(b.ctx, b.tx, actor, placement.Input{PersonID: s.ID, Kind: "internship",
			AgreementID: b.ids["agreement/bme-internship"], HostInstitutionID: b.ids["cqhcwc"],
			HostDepartmentID: b.ids["cqhcwc/Clinical Skills Center"], SupervisorID: supervisor,
			Discipline: "biomedical_engineering", StartOn: "2025-07-07", EndOn: "2025-08-29"})
		if err != nil {
			return fmt.Errorf("placement %d: %w", i, err)
		}
		if _, err := placement.Transition(b.ctx, b.tx, actor, p.ID, "active"); err != nil {
			return err
		}
		if i < 3 {
			if _, err := placement.Evaluate(b.ctx, b.tx, actor, p.ID, placement.Evaluation{Score: 85 + i*3, Comment: "Completed the rotation through imaging and clinical engineering."}); err != nil {
				return err
			}
		}
	}
	pg, err := person.Create(b.ctx, b.tx, actor, person.Input{NameZH: "邓佳", NameEN: "Deng Jia", Gender: "unknown", Title: "none",
		Category: "student", InstitutionID: b.ids["scu-wcsph"]})
	if err != nil {
		return err
	}
	_, err = placement.Create(b.ctx, b.tx, actor, placement.Input{PersonID: pg.ID, Kind: "postgraduate_training",
		AgreementID: b.ids["agreement/public-health-base"], HostInstitutionID: b.ids["cqhcwc"],
		HostDepartmentID: b.ids["cqhcwc/Public Health"], SupervisorID: b.ids["person/luo-qian"],
		Discipline: "public_health", StartOn: "2026-09-01", EndOn: "2027-06-30"})
	return err
}
