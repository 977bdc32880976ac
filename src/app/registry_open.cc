#include "app/registry_open.h"

#include "adapters/national/http_registry.h"
#include "adapters/postgres/registry_pg.h"
#include "adapters/sqlite/registry_sqlite.h"

namespace tongdai::app {
namespace {

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

thread_local std::string t_purpose;

// "postgresql://..." and "postgres://..." are libpq URLs as they stand;
// "postgresql:host=..." carries a key=value conninfo after the colon.
std::optional<std::string> pgConninfo(const std::string& url) {
  if (startsWith(url, "postgresql://") || startsWith(url, "postgres://")) return url;
  if (startsWith(url, "postgresql:")) return url.substr(11);
  return std::nullopt;
}

std::string sqlitePath(const std::string& url) { return startsWith(url, "sqlite:") ? url.substr(7) : url; }

}  // namespace

void setLookupPurpose(std::string purpose) { t_purpose = std::move(purpose); }

core::Result<std::unique_ptr<core::registry::Registry>> openRegistry(const std::string& url,
                                                                     const std::string& token) {
  if (startsWith(url, "http://") || startsWith(url, "https://")) {
    national::HttpRegistryOptions o;
    o.base_url = url;
    o.bearer_token = token;
    o.purpose = [] { return t_purpose; };
    return national::makeHttpRegistry(std::move(o));
  }
  if (auto conninfo = pgConninfo(url)) return postgres::openPgRegistry(*conninfo);
  return sqlite::openSqliteRegistry(sqlitePath(url));
}

core::Result<std::unique_ptr<core::registry::RegistryLoader>> createRegistryLoader(
    const std::string& url, const std::string& description) {
  if (startsWith(url, "http://") || startsWith(url, "https://")) {
    return core::makeError("registry_read_only",
                           "Không thể nạp dữ liệu vào cơ sở dữ liệu quốc gia qua HTTP.",
                           "The national service over HTTP cannot be loaded into.");
  }
  if (auto conninfo = pgConninfo(url)) return postgres::createPgRegistry(*conninfo, description);
  return sqlite::createSqliteRegistry(sqlitePath(url), description);
}

std::string defaultRegistryUrl(const std::string& data_dir, const std::string& database_url) {
  if (!database_url.empty()) return pgConninfo(database_url) ? database_url : "postgresql:" + database_url;
  return "sqlite:" + data_dir + "/registry.db";
}

}  // namespace tongdai::app
