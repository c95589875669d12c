import VendorMatchCore
import VendorMatchProto

// Core records → wire messages, for responses (GetVendor, matched case studies). Wire → core goes through
// `RecordCodec` and `ProtoFields.swift`.

extension Vendormatch_V1_Vendor {
    package init(_ v: Vendor) {
        self.init()
        id = v.id
        name = v.name
        if let s = v.size { size = s.label }
        industries = v.industries
        serviceTypes = v.serviceTypes
        if let d = v.description { description_p = d }
        regions = v.regions
        languages = v.languages
        certifications = v.certifications
        if let m = v.minProjectUSD { minProjectUsd = m }
        hourlyRateUsd = v.hourlyRateUSD ?? []
        if let f = v.founded { founded = Int32(clamping: f) }
    }
}

extension Vendormatch_V1_Evaluation {
    package init(_ e: Evaluation) {
        self.init()
        if let v = e.responsiveness { responsiveness = v }
        if let v = e.communication { communication = v }
        if let v = e.expertise { expertise = v }
        if let v = e.onTime { onTime = v }
        if let v = e.effectiveness { effectiveness = v }
        if let v = e.wouldRecommend { wouldRecommend = v }
    }
}

extension Vendormatch_V1_CaseStudy {
    package init(_ c: CaseStudy) {
        self.init()
        id = c.id
        vendorID = c.vendorID
        clientIndustry = c.clientIndustry
        serviceTypes = c.serviceTypes
        if let v = c.clientName { clientName = v }
        if let v = c.clientSize { clientSize = v.label }
        if let v = c.need { need = v }
        if let v = c.outcome { outcome = v }
        if let v = c.year { year = Int32(clamping: v) }
        if let v = c.topClient { topClient = v }
        if let v = c.verified { verified = v }
        if let v = c.evaluation { evaluation = Vendormatch_V1_Evaluation(v) }
        if let v = c.clientOrg { clientOrg = v }
    }
}


