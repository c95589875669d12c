/// What clients say about one kind of work (a service subcategory): the thing they want, the
/// problems that make them want it, and what they hope to achieve. Phrases are clauses that the
/// `NeedWriter` templates combine; `{customers}`, `{items}`, `{staff}`, `{org}` and the synonym slots
/// of `Lexicon` are filled per industry and per draw, so one need reads differently each time.
struct NeedPhrases: Sendable {
    /// Noun phrases for the deliverable, all meaning the same kind of work (a synonym group).
    let things: [String]
    /// Clauses describing the pain, lower case, no final stop.
    let problems: [String]
    /// Verb phrases (after "to") describing the goal.
    let goals: [String]
}

/// The phrase book: one entry per subcategory of `Models/taxonomy/service-types.tsv`.
enum NeedPhraseBook {
    static let entries: [String: NeedPhrases] = [
        // MARK: software
        "software.custom": NeedPhrases(
            things: ["a bespoke application", "custom software built around our process", "a tailor-made internal tool", "software written specifically for us"],
            problems: ["no product on the market fits the way we handle {items}", "our {staff} juggle five different {system}s and re-type {items} between them", "the off-the-shelf package we bought forces ugly workarounds", "everything important still lives in {manual} spreadsheets"],
            goals: ["automate how we handle {items} end to end", "replace a patchwork of tools with one {system}", "own the code and the roadmap ourselves", "give our {staff} a single place to work"]),
        "software.web-app": NeedPhrases(
            things: ["a web application", "a browser-based portal", "an online self-service portal", "a web platform for {customers}"],
            problems: ["{customers} have to phone us for things they should be able to do online", "our current website is a brochure and cannot process {items}", "the old portal is {slow} and breaks in modern browsers", "partners email us spreadsheets because there is no online way to submit {items}"],
            goals: ["let {customers} track their {items} online", "move {items} intake from email to a web form", "offer a self-service account area", "run the whole workflow in the browser"]),
        "software.mobile-app": NeedPhrases(
            things: ["a mobile app", "a native iOS and Android app", "a smartphone application for our {customers}", "a cross-platform app"],
            problems: ["{customers} keep asking why they cannot do this from their phones", "our current app crashes constantly and gets one-star reviews", "our {staff} in the field still carry paper forms", "competitors launched apps and we are losing younger {customers}"],
            goals: ["let {customers} manage their {items} from a phone", "send push notifications when {items} change", "give field {staff} offline access on tablets", "get a rating above four stars in the app stores"]),
        "software.enterprise-app": NeedPhrases(
            things: ["an ERP implementation", "a CRM rollout", "an SAP or Dynamics implementation", "an enterprise resource planning system"],
            problems: ["finance, sales and operations each keep their own version of the truth", "our {old} ERP is out of support next year", "sales has no view of which {customers} owe us money", "month-end close takes two weeks because nothing is integrated"],
            goals: ["run finance, inventory and sales on one integrated system", "give sales a proper pipeline and account history", "consolidate several subsidiaries onto one ledger", "replace the {old} ERP without stopping operations"]),
        "software.ecommerce": NeedPhrases(
            things: ["an online store", "an e-commerce platform", "a Shopify or Magento storefront", "a webshop with online checkout"],
            problems: ["we only sell through distributors and have no direct online channel", "our checkout loses most {customers} at the payment step", "the shop cannot handle traffic peaks on sale days", "product data is out of date across our sales channels"],
            goals: ["sell directly to {customers} online", "raise online conversion and basket size", "launch B2B ordering with customer-specific prices", "connect the shop to our warehouse stock in real time"]),
        "software.embedded-iot": NeedPhrases(
            things: ["firmware for our connected devices", "an IoT platform", "embedded software for our sensors", "a connected-device backend"],
            problems: ["our devices cannot be updated once they leave the factory", "we have no idea how the equipment behaves out in the field", "sensor readings are collected by hand once a month", "the current firmware drains batteries in weeks"],
            goals: ["monitor our equipment remotely", "push over-the-air firmware updates", "collect sensor data from thousands of devices", "build a low-power connected product"]),
        "software.game": NeedPhrases(
            things: ["a mobile game", "a branded game", "a Unity game", "a casual game for our audience"],
            problems: ["our audience spends hours on games and we are not part of that", "our in-house studio cannot ship the sequel on time", "the game prototype performs badly on low-end phones", "we need content updates faster than our small team can produce"],
            goals: ["engage {customers} with a playful branded experience", "ship a free-to-play title with in-app purchases", "port our game to consoles and mobile", "add live-ops events and new levels every month"]),
        // MARK: cloud
        "cloud.migration": NeedPhrases(
            things: ["a cloud migration", "a move of our servers to AWS or Azure", "a lift-and-shift to the public cloud", "help moving our data centre to the cloud"],
            problems: ["the lease on our server room ends next year", "our hardware is {old} and expensive to maintain", "we are paying for capacity we use two weeks a year", "every new environment takes months to provision"],
            goals: ["move our workloads to the cloud without downtime", "shut down the on-premise data centre", "cut infrastructure costs", "scale capacity up and down with demand"]),
        "cloud.devops": NeedPhrases(
            things: ["a CI/CD pipeline", "DevOps engineering", "a platform team's tooling", "automated build and deployment"],
            problems: ["releases are done by hand on Friday nights and often fail", "it takes weeks to get a change into production", "every team deploys differently and nobody trusts the process", "our developers wait hours for test environments"],
            goals: ["deploy several times a day safely", "automate builds, tests and releases", "set up infrastructure as code", "give developers self-service environments"]),
        "cloud.managed-hosting": NeedPhrases(
            things: ["managed hosting", "someone to run our cloud operations", "a managed cloud service", "24/7 operation of our servers"],
            problems: ["our two admins cannot cover nights and weekends", "the cloud bill keeps growing and nobody owns it", "patching and backups are done when someone remembers", "outages are noticed by {customers} before we notice them"],
            goals: ["have our environment operated around the clock", "hand over patching, backups and monitoring", "keep cloud spending under control", "get a guaranteed uptime"]),
        "cloud.network": NeedPhrases(
            things: ["a network redesign", "an SD-WAN rollout", "network engineering", "new wireless and wide-area networking for our sites"],
            problems: ["our branch offices lose connectivity several times a week", "the wifi in our buildings is unusable at peak times", "the network was built piece by piece and nobody has a diagram", "video calls between sites keep dropping"],
            goals: ["connect all our sites reliably", "redesign the wide-area network", "roll out wifi across every location", "segment the network for security"]),
        "cloud.sre": NeedPhrases(
            things: ["site reliability engineering", "observability and monitoring", "an SRE practice", "proper alerting and dashboards"],
            problems: ["we find out about outages from angry {customers}", "nobody can tell why the {system} slows down every afternoon", "on-call engineers get hundreds of meaningless alerts", "incidents take hours to diagnose"],
            goals: ["define service-level objectives and meet them", "trace problems across our services quickly", "reduce alert noise", "run blameless incident reviews"]),
        "cloud.infra-support": NeedPhrases(
            things: ["data-centre support", "infrastructure support", "hands-on server and storage maintenance", "remote hands for our racks"],
            problems: ["our storage array is close to failing and out of warranty", "we have equipment in three data centres and no staff nearby", "hardware faults sit unresolved for days", "nobody documented the cabling or the servers"],
            goals: ["keep our on-premise infrastructure running", "replace failing storage and servers", "get on-site support within hours", "document and tidy our data centre"]),
        // MARK: data
        "data.engineering": NeedPhrases(
            things: ["a data warehouse", "data pipelines", "a modern data platform", "a lakehouse on Snowflake or Databricks"],
            problems: ["every report pulls from a different database and the numbers never match", "our nightly batch jobs fail and nobody notices until Monday", "data about {items} is scattered over a dozen {system}s", "analysts spend most of their time cleaning exports"],
            goals: ["bring all our {items} data into one warehouse", "build reliable pipelines from our source systems", "have fresh data every morning", "give analysts one trusted source"]),
        "data.analytics-bi": NeedPhrases(
            things: ["dashboards", "business intelligence reporting", "Power BI or Tableau reports", "a management reporting pack"],
            problems: ["management decisions are made from month-old spreadsheets", "nobody can see how {items} are trending week by week", "every department builds its own reports by hand", "our board asks questions we cannot answer quickly"],
            goals: ["see our key numbers on one dashboard", "track {items} by region and product", "automate the weekly management report", "let managers explore the data themselves"]),
        "data.machine-learning": NeedPhrases(
            things: ["a machine learning model", "a predictive model", "demand forecasting", "a churn or risk scoring model"],
            problems: ["we cannot predict which {customers} are about to leave", "our forecasts are gut feeling and we over-order every season", "fraud on {items} is found weeks too late", "we have years of history but do nothing with it"],
            goals: ["forecast demand for {items}", "predict which {customers} will churn", "score {items} for risk automatically", "detect anomalies before they cost money"]),
        "data.generative-ai": NeedPhrases(
            things: ["a generative AI assistant", "an LLM chatbot over our documents", "a GPT-based copilot", "retrieval-augmented search over our knowledge base"],
            problems: ["our {staff} spend hours searching policies and manuals for answers", "{customers} ask the same questions again and again", "writing first drafts of documents eats up our experts' time", "knowledge is locked in thousands of PDFs"],
            goals: ["answer questions from our own documents", "draft replies to {customers} automatically", "summarise long documents for {staff}", "put an AI assistant into our existing tools safely"]),
        "data.annotation": NeedPhrases(
            things: ["data labelling", "image and text annotation", "a labelled training dataset", "human annotators for our AI data"],
            problems: ["our model is only as good as the few thousand examples we labelled ourselves", "our engineers are labelling images instead of building models", "label quality is inconsistent between annotators", "we need a large dataset labelled in weeks, not months"],
            goals: ["label large volumes of images, text or audio", "build a high-quality training set", "run quality checks on every label", "scale annotation up and down with our projects"]),
        "data.governance": NeedPhrases(
            things: ["data governance", "master data management", "a data catalogue and ownership model", "a single customer record"],
            problems: ["the same customer exists five times in our {system}s", "nobody knows who owns which data", "regulators ask where personal data lives and we cannot say", "product codes differ between every subsidiary"],
            goals: ["create one golden record for {customers}", "define data owners and quality rules", "catalogue all our data sources", "meet data protection requirements"]),
        // MARK: it
        "it.outsourcing": NeedPhrases(
            things: ["managed IT services", "an outsourced IT department", "a managed service provider", "IT outsourcing"],
            problems: ["our one IT person is overloaded and is leaving", "nobody is responsible for laptops, licences and backups", "IT costs are unpredictable", "we grew quickly and IT never caught up"],
            goals: ["hand over day-to-day IT to a partner", "have a fixed monthly price for IT", "get professional IT without hiring a team", "standardise devices and software across the company"]),
        "it.helpdesk": NeedPhrases(
            things: ["an IT helpdesk", "end-user support", "a service desk for our employees", "first-line IT support"],
            problems: ["employees wait days for password resets", "our {staff} call developers directly when their laptops break", "there is no ticket system and requests get lost", "we need support in several languages and time zones"],
            goals: ["give employees one number to call for IT problems", "resolve most tickets on first contact", "offer support around the clock", "onboard new starters with ready laptops"]),
        "it.app-maintenance": NeedPhrases(
            things: ["application maintenance", "ongoing support for our applications", "a maintenance contract for our software", "bug fixing and small enhancements"],
            problems: ["the agency that built our {system} went out of business", "bugs pile up because our developers are on new projects", "nobody knows the code any more", "small changes take months"],
            goals: ["keep our applications running and patched", "take over support of an existing {system}", "fix bugs within agreed times", "make small improvements every month"]),
        "it.legacy-modernization": NeedPhrases(
            things: ["legacy modernisation", "a rewrite of our mainframe application", "modernisation of an {old} COBOL system", "a replacement for our {old} core system"],
            problems: ["our core {system} runs on technology nobody under sixty understands", "the people who wrote the system are retiring", "every change to the {old} system is risky and slow", "the vendor stopped supporting our platform"],
            goals: ["move off the mainframe step by step", "rewrite the {old} system in a modern language", "keep the business logic while replacing the technology", "open the old system up through APIs"]),
        // MARK: security
        "security.assessment": NeedPhrases(
            things: ["a penetration test", "a security assessment", "ethical hacking of our applications", "a vulnerability assessment"],
            problems: ["we have never had anyone try to break into our {system}", "a customer contract requires an annual pen test", "we had a breach scare and do not know how exposed we are", "our web apps were built without any security review"],
            goals: ["find vulnerabilities before attackers do", "test our web and mobile apps", "get a report our auditors accept", "check our cloud configuration for weaknesses"]),
        "security.managed": NeedPhrases(
            things: ["a managed SOC", "managed detection and response", "24/7 security monitoring", "a security operations centre service"],
            problems: ["nobody watches our security alerts at night", "we were hit by ransomware and noticed too late", "our firewall logs are never looked at", "we cannot hire security analysts"],
            goals: ["have our systems monitored for attacks around the clock", "respond to incidents within minutes", "get threat detection without building a SOC", "contain ransomware before it spreads"]),
        "security.identity": NeedPhrases(
            things: ["identity and access management", "single sign-on", "multi-factor authentication", "an Okta or Entra ID rollout"],
            problems: ["people who left the company still have access to our {system}s", "employees reuse the same password everywhere", "granting access takes days of emails", "auditors found too many admin accounts"],
            goals: ["give everyone single sign-on", "enforce multi-factor authentication", "automate joiner and leaver access", "review who has access to what"]),
        "security.compliance": NeedPhrases(
            things: ["ISO 27001 certification support", "SOC 2 readiness", "GDPR compliance work", "audit preparation"],
            problems: ["large {customers} will not sign without a SOC 2 report", "we have no written security policies", "a regulator audit is coming and we are not ready", "we process personal data without a clear legal basis"],
            goals: ["get certified to ISO 27001", "pass a SOC 2 Type II audit", "become GDPR compliant", "prepare policies and evidence for auditors"]),
        // MARK: qa
        "qa.manual": NeedPhrases(
            things: ["manual testing", "exploratory testers", "a QA team for acceptance testing", "hands-on testing of every release"],
            problems: ["{customers} find the bugs before we do", "our developers test their own code and miss things", "every release breaks something in the checkout", "we have no testers at all"],
            goals: ["test every release before it goes live", "run user acceptance testing with real devices", "find bugs early", "write proper test cases"]),
        "qa.automation": NeedPhrases(
            things: ["test automation", "automated regression tests", "a Selenium or Playwright suite", "an automated testing framework"],
            problems: ["regression testing takes two weeks of manual clicking", "we cannot release often because testing is the bottleneck", "the same bugs come back after every release", "our test suite is flaky and nobody trusts it"],
            goals: ["automate our regression tests", "run tests on every commit", "cut release testing from weeks to hours", "build a stable test framework"]),
        "qa.performance": NeedPhrases(
            things: ["load testing", "performance testing", "a stress test of our platform", "capacity testing"],
            problems: ["the {system} fell over during our last big campaign", "pages take ten seconds to load when many {customers} log in", "we do not know how many users we can handle", "our launch is in two months and nobody has tested the load"],
            goals: ["know our capacity limits before launch", "simulate peak traffic", "find the bottlenecks slowing us down", "make the {system} fast under load"]),
        // MARK: design
        "design.ux-ui": NeedPhrases(
            things: ["UX and UI design", "a redesign of our app's interface", "user experience design", "a design system"],
            problems: ["{customers} say our {system} is confusing", "people abandon the sign-up form halfway", "every screen looks different", "support calls are mostly about where to click"],
            goals: ["make the {system} easy to use", "redesign the main user journeys", "build a consistent design system", "raise completion rates of key forms"]),
        "design.product": NeedPhrases(
            things: ["product design and prototyping", "a clickable prototype", "a design sprint", "help shaping a new product"],
            problems: ["we have an idea but no idea whether {customers} want it", "our engineers build features nobody asked for", "investors want to see something tangible", "we cannot agree on what the first version should contain"],
            goals: ["test a product idea with real users quickly", "build a prototype we can show investors", "define the first version of the product", "validate the concept before we invest"]),
        "design.cx-research": NeedPhrases(
            things: ["customer experience research", "customer journey mapping", "user research and interviews", "a customer insight study"],
            problems: ["we do not really know why {customers} leave us", "our satisfaction scores dropped and we cannot explain it", "every channel gives {customers} a different experience", "decisions are based on opinions, not evidence"],
            goals: ["map the journey of our {customers}", "interview {customers} and find pain points", "understand why satisfaction dropped", "prioritise improvements with evidence"]),
        "design.branding": NeedPhrases(
            things: ["a rebrand", "a new visual identity", "logo and brand guidelines", "branding work"],
            problems: ["our logo looks like it is from the nineties", "after the merger we have two brands and nobody knows which to use", "our brand does not appeal to younger {customers}", "every office uses its own colours and templates"],
            goals: ["refresh our brand and logo", "create brand guidelines", "launch a new name after the merger", "make our materials look consistent"]),
        // MARK: bpo
        "bpo.customer-support": NeedPhrases(
            things: ["an outsourced contact centre", "customer support agents", "a call centre partner", "multilingual customer service"],
            problems: ["{customers} wait forty minutes on hold", "support emails sit unanswered for days", "we cannot staff evenings and weekends", "volumes triple in our peak season"],
            goals: ["answer {customers} by phone, chat and email", "cover support around the clock", "handle seasonal peaks", "raise customer satisfaction scores"]),
        "bpo.back-office": NeedPhrases(
            things: ["back-office processing", "document processing", "an outsourced back office", "data entry and processing"],
            problems: ["{items} are typed in by hand and pile up", "our {staff} spend their days on paperwork", "processing backlogs delay {customers} by weeks", "errors in data entry cost us money"],
            goals: ["process {items} faster and with fewer errors", "hand over document handling", "clear our processing backlog", "free our {staff} from paperwork"]),
        "bpo.finance-accounting": NeedPhrases(
            things: ["outsourced accounting", "finance and accounting outsourcing", "accounts payable processing", "bookkeeping and payroll accounting"],
            problems: ["invoices get paid late and suppliers complain", "our month-end close takes three weeks", "our accountant retired and nobody took over", "we are expanding to new countries with different tax rules"],
            goals: ["outsource accounts payable and receivable", "close the books in days", "keep compliant bookkeeping in several countries", "get reliable monthly accounts"]),
        "bpo.hr-payroll": NeedPhrases(
            things: ["payroll outsourcing", "HR administration", "an outsourced payroll service", "HR and payroll services"],
            problems: ["payroll errors upset our {staff} every month", "we hire in countries where we have no HR people", "HR spends all its time on contracts and paperwork", "overtime and shift pay are calculated by hand"],
            goals: ["run payroll correctly every month", "handle HR paperwork for new hires", "pay people in several countries", "give employees self-service payslips"]),
        "bpo.procurement": NeedPhrases(
            things: ["procurement outsourcing", "sourcing support", "indirect procurement services", "help managing our suppliers"],
            problems: ["every department buys on its own and we overpay", "we have hundreds of suppliers and no contracts", "purchase orders take weeks to approve", "nobody negotiates with our suppliers"],
            goals: ["cut what we spend on indirect purchases", "run tenders for our main categories", "consolidate our supplier base", "set up a purchasing process"]),
        "bpo.content-moderation": NeedPhrases(
            things: ["content moderation", "trust and safety operations", "moderators for user-generated content", "a review team for posts and listings"],
            problems: ["harmful posts stay up for hours", "fake listings and scams are hurting our reputation", "our small team cannot keep up with the volume of uploads", "moderators burn out reviewing disturbing content"],
            goals: ["review user posts around the clock", "remove scams and harmful content quickly", "enforce our community guidelines", "combine automated filters with human review"]),
        // MARK: marketing
        "marketing.digital": NeedPhrases(
            things: ["performance marketing", "paid social and search campaigns", "a digital marketing agency", "online advertising"],
            problems: ["we spend a lot on ads and cannot tell what works", "our cost per lead has doubled this year", "we rely on word of mouth and growth has stalled", "our campaigns are run by an intern"],
            goals: ["generate more qualified leads online", "lower our cost per acquisition", "run campaigns on Google, Meta and LinkedIn", "measure which channels bring {customers}"]),
        "marketing.seo-sem": NeedPhrases(
            things: ["search engine optimisation", "SEO", "help ranking on Google", "search marketing"],
            problems: ["nobody finds us on Google", "our organic traffic fell after a site relaunch", "competitors outrank us for every important keyword", "we pay for clicks we could be getting for free"],
            goals: ["rank on the first page for our main keywords", "grow organic traffic", "fix the technical problems on our site", "get found by {customers} searching online"]),
        "marketing.content": NeedPhrases(
            things: ["content marketing", "articles and whitepapers", "a content strategy", "blog posts and case studies written for us"],
            problems: ["our website has no useful content", "we have expertise but never write about it", "our newsletter goes out twice a year", "sales has nothing to send prospects"],
            goals: ["publish useful articles every week", "build thought leadership in our field", "produce whitepapers and case studies", "nurture leads with content"]),
        "marketing.social": NeedPhrases(
            things: ["social media management", "social media marketing", "an Instagram and TikTok presence", "community management"],
            problems: ["our social accounts have not posted in months", "{customers} complain on social media and nobody answers", "we have no idea how to reach younger audiences", "our posts get no engagement"],
            goals: ["grow our following", "post regularly on the right platforms", "work with influencers", "answer {customers} on social media"]),
        "marketing.research": NeedPhrases(
            things: ["market research", "a market study", "customer surveys", "a competitor analysis"],
            problems: ["we are entering a new country and know nothing about the market", "we do not know how big our market really is", "our pricing is based on guesses", "we keep losing deals to competitors and do not know why"],
            goals: ["size the market for a new product", "survey {customers} about their needs", "understand our competitors", "test prices before launch"]),
        // MARK: consulting
        "consulting.strategy": NeedPhrases(
            things: ["strategy consulting", "a growth strategy", "help with our five-year plan", "a strategic review"],
            problems: ["our growth has stalled and the board wants a plan", "we are considering an acquisition and need an outside view", "margins are shrinking in our core business", "the leadership team disagrees on where to go"],
            goals: ["define a growth strategy", "decide which markets to enter", "evaluate an acquisition", "align the leadership team on a plan"]),
        "consulting.digital-transformation": NeedPhrases(
            things: ["a digital transformation programme", "help digitising our business", "a digital roadmap", "digital transformation consulting"],
            problems: ["most of our processes still run on paper and email", "competitors are digital and we are falling behind", "we started many digital projects and none delivered", "our {customers} expect online service and we cannot offer it"],
            goals: ["digitise our core processes", "build a roadmap for digital change", "create new digital services for {customers}", "change how the organisation works, not just the tools"]),
        "consulting.it-strategy": NeedPhrases(
            things: ["an IT strategy", "enterprise architecture", "an IT roadmap", "an independent review of our IT landscape"],
            problems: ["we have hundreds of applications and no overview", "IT spending grows every year and nobody can explain why", "we must choose a new core system and fear a wrong decision", "business and IT do not talk to each other"],
            goals: ["define a target architecture", "rationalise our application landscape", "select the right platforms", "align IT investment with the business"]),
        "consulting.process": NeedPhrases(
            things: ["process improvement", "lean consulting", "operational excellence support", "a process redesign"],
            problems: ["handling {items} takes far longer than it should", "our processes differ in every site", "waste and rework are eating our margins", "{staff} do the same work twice"],
            goals: ["streamline how we process {items}", "apply lean methods in operations", "standardise processes across sites", "cut lead times and costs"]),
        "consulting.change": NeedPhrases(
            things: ["change management", "training for a new system", "an adoption programme", "change and training support"],
            problems: ["our last system rollout failed because nobody used it", "{staff} resist every change we introduce", "a reorganisation is coming and people are anxious", "we bought new tools and adoption is low"],
            goals: ["get {staff} to adopt the new {system}", "train hundreds of employees", "communicate a reorganisation well", "manage the people side of a big change"]),
        // MARK: engineering
        "engineering.product": NeedPhrases(
            things: ["product engineering", "hardware development", "electronics and mechanical design", "engineering of a new device"],
            problems: ["we have a concept for a device but no engineers", "our product fails certification tests", "the current design is too expensive to manufacture", "our engineering team is fully booked for a year"],
            goals: ["design a new product from concept to production", "redesign for lower manufacturing cost", "get the product certified", "build working prototypes"]),
        "engineering.cad-cae": NeedPhrases(
            things: ["CAD modelling", "simulation and FEA", "engineering simulation", "3D design and drawings"],
            problems: ["our drawings are {old} 2D files nobody can update", "physical prototypes cost too much and take months", "parts crack under load and we do not know why", "our designers cannot keep up with the workload"],
            goals: ["convert our drawings to 3D models", "simulate stresses before building prototypes", "run flow or thermal simulations", "speed up the design cycle"]),
        "engineering.automation": NeedPhrases(
            things: ["industrial automation", "PLC and SCADA programming", "control systems engineering", "robotics and line automation"],
            problems: ["our production line stops several times a shift", "operators still adjust machines by hand", "we cannot find people to do repetitive work on the line", "the {old} control system has no spare parts"],
            goals: ["automate our production line", "upgrade the control system", "connect machines to collect production data", "add robots for repetitive tasks"]),
        "engineering.supply-chain": NeedPhrases(
            things: ["supply chain engineering", "logistics optimisation", "warehouse and network design", "a supply chain redesign"],
            problems: ["deliveries to {customers} are late and freight costs explode", "our warehouses are in the wrong places", "we hold too much stock of some items and run out of others", "nobody can see where shipments are"],
            goals: ["redesign our distribution network", "optimise warehouse layout and picking", "balance stock across locations", "track shipments end to end"]),
        // MARK: knowledge
        "knowledge.localization": NeedPhrases(
            things: ["translation and localisation", "translators for our product", "localisation into several languages", "multilingual content"],
            problems: ["we are launching in new countries and everything is in English", "machine translations embarrass us in front of {customers}", "our manuals must be translated for regulators", "every release needs text in twelve languages"],
            goals: ["translate our product and website", "localise content for new markets", "keep translations in sync with releases", "translate regulatory documents accurately"]),
        "knowledge.legal": NeedPhrases(
            things: ["legal process outsourcing", "contract review", "document review for litigation", "paralegal support"],
            problems: ["thousands of contracts need reviewing before a deadline", "our lawyers spend their time on routine documents", "discovery in a lawsuit produced millions of documents", "nobody knows what our contracts actually say"],
            goals: ["review contracts quickly and cheaply", "extract key terms from our contracts", "support litigation document review", "free our lawyers for complex work"]),
        "knowledge.research": NeedPhrases(
            things: ["research outsourcing", "analyst support", "desk research", "investment and industry research"],
            problems: ["our analysts cannot cover all the companies we follow", "we need research reports faster than we can write them", "data for our reports is gathered by hand", "we lack people who know specific industries"],
            goals: ["get regular research reports", "monitor companies and markets", "build financial models and profiles", "extend our research team flexibly"]),
        "knowledge.elearning": NeedPhrases(
            things: ["e-learning courses", "online training content", "a learning platform with courses", "interactive training modules"],
            problems: ["training new {staff} takes months of shadowing", "our compliance training is a boring slide deck", "we have people in many sites and cannot train them in person", "nobody completes the current online courses"],
            goals: ["turn our training into online courses", "onboard new {staff} faster", "make compliance training engaging", "track who completed which training"]),
    ]
}
