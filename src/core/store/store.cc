#include "core/store/store.h"

#include <future>

namespace tongdai::core::store {

Status Store::writeSync(std::function<Status(WriteTx&)> work) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  write(std::move(work), [&promise](Status s) { promise.set_value(std::move(s)); });
  return future.get();
}

}  // namespace tongdai::core::store
