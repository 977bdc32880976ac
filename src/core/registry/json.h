// JSON codec of the registry model: the wire format of the national-registry
// HTTP contract (docs/registry-http-contract.md), shared by the HTTP adapter
// (adapters/national) and the local stand-in service (app/registry_stub).
//
// Contract:
//  - Field names are the model's, snake_case; enums by machine name
//    (stageName, applicationTypeName, "male"/"female"); birth_date as
//    PartialDate::toString() ("" = unknown); stage times as unix seconds
//    (0 = stage not reached).
//  - toJson then fromJson gives back an equal value (for the NFC text the
//    model holds: decoding normalises text to NFC because the far side may
//    send decomposed Vietnamese).
//  - Decoders never throw. Bad input is an Error "registry_bad_response" whose
//    `field` is the JSON path at fault ("applications[1].stage"). Unknown
//    members are ignored so the service may add fields without breaking us.
#pragma once

#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/common/status.h"
#include "core/registry/model.h"

namespace tongdai::core::registry {

nlohmann::json toJson(const Address& a);
nlohmann::json toJson(const Person& p);
nlohmann::json toJson(const Application& a);
nlohmann::json toJson(const Card& c);
nlohmann::json toJson(const PersonRecord& r);
nlohmann::json toJson(const Candidate& c);
nlohmann::json toJson(const RegistryStats& s);
// The search request body: {"full_name","birth_date","province_code","limit"}.
nlohmann::json toJson(const NameQuery& q);
// The search response body: {"items":[Candidate...]}.
nlohmann::json candidateListToJson(const std::vector<Candidate>& items);

Result<Address> addressFromJson(const nlohmann::json& j);
Result<Person> personFromJson(const nlohmann::json& j);
Result<Application> applicationFromJson(const nlohmann::json& j);
Result<Card> cardFromJson(const nlohmann::json& j);
Result<PersonRecord> personRecordFromJson(const nlohmann::json& j);
Result<Candidate> candidateFromJson(const nlohmann::json& j);
Result<RegistryStats> registryStatsFromJson(const nlohmann::json& j);
// Shape only (types, known date form): the search rules live with the contract
// (adapters/national/http_registry.h, checkSearchQuery).
Result<NameQuery> nameQueryFromJson(const nlohmann::json& j);
Result<std::vector<Candidate>> candidateListFromJson(const nlohmann::json& j);

}  // namespace tongdai::core::registry
