// The part of a Store that does not depend on the database: one writer
// thread taking every queued write, running a batch in one transaction with
// a savepoint per write (one failing write rolls back only itself), then
// answering each after the commit; and a pool of reader connections, each
// read in its own snapshot. SQLite and PostgreSQL supply the statements.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/store/store.h"

namespace tongdai::adapters {

inline core::Error storageError() {
  // Details go to the log; the user sees that nothing was saved.
  return core::makeError("storage_error",
                         "Lỗi lưu trữ dữ liệu, thao tác chưa được ghi. Vui lòng thử lại.",
                         "Storage error: nothing was saved. Please try again.", "");
}

template <typename Conn>
class GroupCommitStore : public core::store::Store {
 public:
  void write(std::function<core::Status(core::store::WriteTx&)> work,
             std::function<void(core::Status)> done) override {
    {
      std::lock_guard lock(mutex_);
      if (!closed_) {
        queue_.push_back({std::move(work), std::move(done)});
        cv_.notify_one();
        return;
      }
    }
    if (done) done(storageError());
  }

  core::Status read(const std::function<core::Status(core::store::ReadTx&)>& work) override {
    std::unique_ptr<Conn> conn = acquireReader();
    if (!conn) return storageError();
    core::Status result;
    try {
      beginRead(*conn);
      auto tx = makeTx(*conn);
      result = work(*tx);
      commitRead(*conn);
    } catch (const std::exception& e) {
      spdlog::error("store: read failed: {}", e.what());
      try {
        rollback(*conn);
      } catch (...) {
        conn.reset();  // a broken connection does not go back to the pool
      }
      result = storageError();
    }
    if (conn) releaseReader(std::move(conn));
    return result;
  }

  // Finishes queued writes, stops the writer, closes every connection.
  void close() override {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      closed_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(pool_mutex_);
    readers_.clear();
    writer_.reset();
  }

 protected:
  GroupCommitStore(std::unique_ptr<Conn> writer, std::size_t max_batch, std::size_t max_idle_readers)
      : writer_(std::move(writer)), max_batch_(max_batch), max_idle_readers_(max_idle_readers) {}

  // Called by the derived constructor once its hooks can run. The derived
  // destructor must call close() before its own members go.
  void startWriter() {
    thread_ = std::thread([this] { writerLoop(); });
  }

  // The backend's statements.
  virtual std::unique_ptr<core::store::WriteTx> makeTx(Conn& conn) = 0;
  virtual void beginBatch(Conn& conn) = 0;
  virtual void savepoint(Conn& conn) = 0;
  virtual void rollbackToSavepoint(Conn& conn) = 0;
  virtual void releaseSavepoint(Conn& conn) = 0;
  virtual void commit(Conn& conn) = 0;  // durable when it returns
  virtual void rollback(Conn& conn) = 0;
  virtual std::unique_ptr<Conn> openReader() = 0;
  virtual void beginRead(Conn& conn) = 0;
  virtual void commitRead(Conn& conn) { commit(conn); }

 private:
  struct Job {
    std::function<core::Status(core::store::WriteTx&)> work;
    std::function<void(core::Status)> done;
  };

  void writerLoop() {
    for (;;) {
      std::vector<Job> batch;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return closed_ || !queue_.empty(); });
        if (queue_.empty() && closed_) return;
        while (!queue_.empty() && batch.size() < max_batch_) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      runBatch(batch);
    }
  }

  void runBatch(std::vector<Job>& batch) {
    std::vector<core::Status> results(batch.size());
    Conn& conn = *writer_;
    try {
      beginBatch(conn);
      auto tx = makeTx(conn);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        savepoint(conn);
        try {
          results[i] = batch[i].work(*tx);
        } catch (const std::exception& e) {
          // Database texts name constraints, never row values: safe to log.
          spdlog::error("store: write failed: {}", e.what());
          results[i] = storageError();
        }
        if (!results[i].ok()) rollbackToSavepoint(conn);
        releaseSavepoint(conn);
      }
      commit(conn);
    } catch (const std::exception& e) {
      spdlog::error("store: batch of {} writes failed: {}", batch.size(), e.what());
      try {
        rollback(conn);
      } catch (...) {
      }
      for (auto& r : results) {
        if (r.ok()) r = storageError();
      }
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(results[i]);
    }
  }

  std::unique_ptr<Conn> acquireReader() {
    {
      std::lock_guard lock(pool_mutex_);
      if (!readers_.empty()) {
        auto conn = std::move(readers_.back());
        readers_.pop_back();
        return conn;
      }
    }
    try {
      return openReader();
    } catch (const std::exception& e) {
      spdlog::error("store: cannot open a reader: {}", e.what());
      return nullptr;
    }
  }

  void releaseReader(std::unique_ptr<Conn> conn) {
    std::lock_guard lock(pool_mutex_);
    if (readers_.size() < max_idle_readers_) readers_.push_back(std::move(conn));
  }

  std::unique_ptr<Conn> writer_;
  std::size_t max_batch_;
  std::size_t max_idle_readers_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool closed_ = false;
  std::thread thread_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Conn>> readers_;
};

}  // namespace tongdai::adapters
