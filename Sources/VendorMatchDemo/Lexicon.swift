/// Words the text writers draw from: industry nouns, synonym slots, templates, names.
enum Lexicon {
    /// How people in one industry name themselves, their customers, the things they handle and their staff.
    struct IndustryWords: Sendable {
        let orgs: [String]
        let customers: [String]
        let items: [String]
        let staff: [String]
    }

    /// By sector (canonical code); subsector overrides in `subsectorWords`.
    static let sectorWords: [String: IndustryWords] = [
        "11": .init(orgs: ["farm", "agribusiness", "grower cooperative"], customers: ["buyers", "growers", "distributors"], items: ["harvest records", "crop orders", "field reports"], staff: ["farm managers", "field workers", "agronomists"]),
        "21": .init(orgs: ["mining company", "oil and gas operator", "quarry business"], customers: ["offtakers", "contractors", "partners"], items: ["drilling reports", "site inspections", "production logs"], staff: ["site engineers", "field crews", "geologists"]),
        "22": .init(orgs: ["utility", "energy supplier", "water company"], customers: ["households", "ratepayers", "account holders"], items: ["meter readings", "outage reports", "bills"], staff: ["field technicians", "call-centre agents", "grid operators"]),
        "23": .init(orgs: ["construction firm", "building contractor", "civil engineering company"], customers: ["property developers", "homeowners", "clients"], items: ["bids", "site reports", "change orders"], staff: ["site managers", "estimators", "foremen"]),
        "31-33": .init(orgs: ["manufacturer", "factory", "plant"], customers: ["distributors", "OEM customers", "dealers"], items: ["production orders", "quality reports", "spare-part requests"], staff: ["plant operators", "engineers", "shift supervisors"]),
        "42": .init(orgs: ["wholesaler", "distributor", "trading company"], customers: ["retailers", "trade customers", "resellers"], items: ["purchase orders", "deliveries", "price lists"], staff: ["sales reps", "warehouse staff", "buyers"]),
        "44-45": .init(orgs: ["retail chain", "retailer", "store group"], customers: ["shoppers", "customers", "loyalty members"], items: ["orders", "returns", "store inventories"], staff: ["store staff", "store managers", "merchandisers"]),
        "48-49": .init(orgs: ["logistics company", "carrier", "transport operator"], customers: ["shippers", "passengers", "consignees"], items: ["shipments", "bookings", "delivery slots"], staff: ["drivers", "dispatchers", "depot staff"]),
        "51": .init(orgs: ["media company", "telecom operator", "software publisher"], customers: ["subscribers", "viewers", "users"], items: ["subscriptions", "support tickets", "content releases"], staff: ["editors", "network engineers", "product managers"]),
        "52": .init(orgs: ["bank", "insurer", "credit union", "lender"], customers: ["account holders", "policyholders", "borrowers", "members"], items: ["loan applications", "claims", "payments"], staff: ["branch staff", "underwriters", "advisers"]),
        "53": .init(orgs: ["property manager", "real estate agency", "leasing company"], customers: ["tenants", "landlords", "renters"], items: ["leases", "maintenance requests", "viewings"], staff: ["agents", "property managers", "leasing staff"]),
        "54": .init(orgs: ["consultancy", "law firm", "engineering practice", "accounting firm"], customers: ["clients", "client companies", "partners"], items: ["engagements", "timesheets", "client files"], staff: ["consultants", "partners", "associates"]),
        "55": .init(orgs: ["holding company", "group headquarters", "corporate centre"], customers: ["subsidiaries", "business units", "shareholders"], items: ["group reports", "intercompany invoices", "board packs"], staff: ["group controllers", "analysts", "managers"]),
        "56": .init(orgs: ["facility services company", "staffing agency", "waste management company"], customers: ["client sites", "employers", "municipalities"], items: ["work orders", "timesheets", "collection routes"], staff: ["cleaners", "recruiters", "crews"]),
        "61": .init(orgs: ["university", "school network", "college", "training provider"], customers: ["students", "parents", "learners"], items: ["enrolments", "course materials", "exam results"], staff: ["teachers", "lecturers", "administrators"]),
        "62": .init(orgs: ["hospital", "clinic group", "care provider", "health system"], customers: ["patients", "residents", "families"], items: ["appointments", "patient records", "referrals"], staff: ["nurses", "doctors", "care workers"]),
        "71": .init(orgs: ["museum", "sports club", "entertainment venue", "theatre"], customers: ["visitors", "fans", "members"], items: ["tickets", "memberships", "events"], staff: ["box-office staff", "curators", "event managers"]),
        "72": .init(orgs: ["hotel group", "restaurant chain", "hospitality business"], customers: ["guests", "diners", "travellers"], items: ["reservations", "table bookings", "room orders"], staff: ["front-desk staff", "kitchen teams", "restaurant managers"]),
        "81": .init(orgs: ["repair service", "non-profit", "association", "service business"], customers: ["members", "donors", "customers"], items: ["service requests", "donations", "memberships"], staff: ["technicians", "volunteers", "coordinators"]),
        "92": .init(orgs: ["public agency", "city council", "ministry", "municipality"], customers: ["citizens", "residents", "applicants"], items: ["permit applications", "benefit claims", "case files"], staff: ["case workers", "civil servants", "officers"]),
    ]

    static let subsectorWords: [String: IndustryWords] = [
        "522": .init(orgs: ["bank", "credit union", "lender"], customers: ["borrowers", "account holders", "members"], items: ["loan applications", "mortgage files", "card transactions"], staff: ["loan officers", "branch staff", "credit analysts"]),
        "524": .init(orgs: ["insurer", "insurance carrier", "broker"], customers: ["policyholders", "insured customers", "brokers"], items: ["claims", "policies", "quotes"], staff: ["underwriters", "claims handlers", "agents"]),
        "523": .init(orgs: ["asset manager", "brokerage", "investment firm"], customers: ["investors", "fund clients", "traders"], items: ["trades", "portfolios", "client reports"], staff: ["portfolio managers", "traders", "analysts"]),
        "622": .init(orgs: ["hospital", "medical centre", "hospital network"], customers: ["patients", "families", "referring doctors"], items: ["admissions", "patient records", "lab results"], staff: ["nurses", "physicians", "ward staff"]),
        "621": .init(orgs: ["clinic group", "practice", "outpatient centre"], customers: ["patients", "members", "families"], items: ["appointments", "prescriptions", "referrals"], staff: ["doctors", "practice staff", "nurses"]),
        "517": .init(orgs: ["telecom operator", "mobile network", "internet provider"], customers: ["subscribers", "mobile customers", "business lines"], items: ["contracts", "network tickets", "bills"], staff: ["network engineers", "shop staff", "field technicians"]),
        "481": .init(orgs: ["airline", "charter carrier", "regional airline"], customers: ["passengers", "travellers", "frequent flyers"], items: ["bookings", "check-ins", "baggage claims"], staff: ["cabin crew", "ground staff", "agents"]),
        "611": .init(orgs: ["university", "school district", "college"], customers: ["students", "parents", "alumni"], items: ["enrolments", "courses", "grades"], staff: ["teachers", "faculty", "administrators"]),
    ]

    static func words(forIndustry code: String, sector: String) -> IndustryWords {
        if code.utf8.count >= 3, let w = subsectorWords[String(code.prefix(3))] { return w }
        return sectorWords[sector] ?? sectorWords["54"]!
    }

    /// Synonym slots used inside phrases and templates.
    static let synonyms: [String: [String]] = [
        "system": ["system", "platform", "tool", "application"],
        "old": ["old", "legacy", "outdated", "ageing"],
        "manual": ["manual", "hand-maintained", "shared", "emailed"],
        "slow": ["slow", "sluggish", "painfully slow", "unreliable"],
        "want": ["want", "need", "would like", "are hoping"],
        "partner": ["partner", "vendor", "agency", "team"],
        "help": ["help", "support", "expertise", "a hand"],
    ]

    // MARK: Templates

    /// Case-study voice: the client looking back at the problem it had. `{P}` problem, `{t}` thing, `{g}` goal.
    static let caseTemplates: [String] = [
        "{P}. We needed {t} so that we could {g}.",
        "As a {sizeword} {org}, we wanted to {g}, but {p}.",
        "Our {staff} told us that {p}. We asked for {t}.",
        "We had to {g} and realised we needed {t}, because {p}.",
        "The challenge: {p}. The brief was {t} that would let us {g}.",
        "{P}, so we went looking for {t}.",
    ]

    /// Request voice: a buyer describing the problem it has now.
    static let requestTemplates: [String] = [
        "We are looking for a {partner} to help us {g}. Right now {p}.",
        "Looking for {t} for our {org}: {p}.",
        "Can you help? {P}, and we {want} to {g}.",
        "Our {org} is after {t}. The main issue is that {p}.",
        "{P}. Who can help us {g}?",
        "We are a {sizeword} {org} and {p}; we {want} to {g} this year.",
    ]

    static let sizeWords = ["small", "small", "mid-sized", "mid-sized", "large", "global"]

    // MARK: Outcomes

    /// Per service category: metrics that went up and metrics that went down.
    static let outcomeMetrics: [String: (up: [String], down: [String])] = [
        "software": (["active users", "user adoption", "online conversion", "release frequency"], ["manual work", "support tickets", "time to market"]),
        "cloud": (["uptime", "deployment frequency", "capacity headroom"], ["infrastructure costs", "outage minutes", "lead time for changes"]),
        "data": (["forecast accuracy", "report adoption", "model precision"], ["reporting effort", "data errors", "time to insight"]),
        "it": (["first-contact resolution", "user satisfaction", "system availability"], ["ticket backlog", "IT costs", "resolution time"]),
        "security": (["security rating", "audit score", "control coverage"], ["open vulnerabilities", "incident response time", "security incidents"]),
        "qa": (["test coverage", "release frequency", "automated test share"], ["escaped defects", "regression testing time", "production incidents"]),
        "design": (["task completion", "conversion", "satisfaction scores"], ["drop-offs", "support calls", "time to decision"]),
        "bpo": (["customer satisfaction", "throughput", "service level"], ["handling time", "processing errors", "backlog"]),
        "marketing": (["qualified leads", "organic traffic", "engagement"], ["cost per lead", "acquisition cost", "bounce rate"]),
        "consulting": (["margin", "revenue growth", "adoption"], ["operating costs", "lead time", "rework"]),
        "engineering": (["throughput", "yield", "on-time delivery"], ["unit cost", "downtime", "design cycle time"]),
        "knowledge": (["turnaround speed", "throughput", "coverage"], ["processing costs", "error rates", "time to publish"]),
    ]

    static let outcomeTemplates: [String] = [
        "{Up} rose by {n}% within {m} months.",
        "We cut {down} by {n}% in the first year.",
        "Live after {w} weeks; {up} up {n}% and {down} down {n2}%.",
        "{Down} fell {n}% and {up} improved by {n2}%.",
        "Delivered on schedule in {w} weeks. {Up} grew {n}%.",
    ]

    // MARK: Names and places

    static let namePrefixes = ["Blue", "North", "Apex", "Bright", "Nova", "Iron", "Silver", "Quantum", "Clear", "Swift", "Red", "Pine",
                               "Harbor", "Summit", "Vertex", "Lumen", "Cobalt", "Atlas", "Orbit", "Maple", "Cedar", "Delta", "Echo",
                               "Falcon", "Granite", "Helix", "Indigo", "Juniper", "Keystone", "Lattice", "Meridian", "Onyx", "Polar", "Zenith"]
    static let nameStems = ["wave", "gate", "stone", "bridge", "field", "point", "forge", "line", "path", "works", "shift", "spark", "leaf", "rock"]
    static let nameSuffixes: [String: [String]] = [
        "software": ["Software", "Labs", "Digital", "Code"], "cloud": ["Cloud", "Ops", "Systems"], "data": ["Data", "Analytics", "AI"],
        "it": ["IT", "Tech", "Systems"], "security": ["Security", "Cyber", "Defense"], "qa": ["QA", "Testing", "Quality"],
        "design": ["Design", "Studio", "Creative"], "bpo": ["Services", "Outsourcing", "Operations"],
        "marketing": ["Marketing", "Media", "Growth"], "consulting": ["Consulting", "Advisory", "Partners"],
        "engineering": ["Engineering", "Technologies", "Works"], "knowledge": ["Language", "Knowledge", "Research"],
    ]
    static let places = ["Riverside", "Lakeside", "Northfield", "Westbrook", "Eastgate", "Harborview", "Hillcrest", "Oakwood", "Springdale",
                         "Fairview", "Greenville", "Kingsbridge", "Brookhaven", "Stonebridge", "Clearwater", "Redwood", "Silverton", "Ashford",
                         "Bayside", "Crestwood", "Elmstead", "Foxhall", "Glenmore", "Highpoint", "Ironwood", "Longmeadow", "Mapleton", "Newbury"]

    static let boasts = [
        "We are proud of long-term relationships with our clients.",
        "Our teams combine deep industry knowledge with modern engineering.",
        "We deliver end-to-end, from strategy to operations.",
        "Certified experts, agile delivery and transparent pricing.",
        "Trusted by leading enterprises and fast-growing start-ups alike.",
        "We are a one-stop shop for digital initiatives of any size.",
    ]

    static let institutions = ["Clutch-style ranking", "industry association", "chamber of commerce", "analyst firm", "procurement consultancy",
                               "trade body", "partner programme", "government export agency", "university spin-off network", "awards jury"]
    static let institutionSlugs = institutions.map { $0.split(separator: " ").joined(separator: "-") }
}
