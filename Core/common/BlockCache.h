#pragma once
// A bounded least-recently-used cache of blocks keyed by block index, shared by the frame-time
// and field streams. Lookups and recency updates are O(1): playback touches it on every frame.
#include <cstdint>
#include <list>
#include <unordered_map>
#include <utility>

namespace neuroplayback {

template <typename Block>
class BlockCache {
public:
  explicit BlockCache(std::size_t capacity) : Capacity(capacity < 1 ? 1 : capacity) {}

  // The cached block, marked most recently used; nullptr when absent.
  Block* Find(std::int64_t key) {
    auto found = Entries.find(key);
    if (found == Entries.end()) {
      return nullptr;
    }
    Order.splice(Order.begin(), Order, found->second.second);
    return &found->second.first;
  }
  // Looks without changing recency.
  const Block* Peek(std::int64_t key) const {
    auto found = Entries.find(key);
    return found == Entries.end() ? nullptr : &found->second.first;
  }
  bool Contains(std::int64_t key) const { return Entries.count(key) != 0; }

  // Stores a block (evicting the least recently used when full) and returns it.
  Block& Insert(std::int64_t key, Block block) {
    if (Block* existing = Find(key)) {
      return *existing;
    }
    while (Entries.size() >= Capacity) {
      Entries.erase(Order.back());
      Order.pop_back();
    }
    Order.push_front(key);
    return Entries.emplace(key, std::make_pair(std::move(block), Order.begin())).first->second.first;
  }

  std::size_t Size() const { return Entries.size(); }
  void Clear() {
    Entries.clear();
    Order.clear();
  }

private:
  std::size_t Capacity;
  std::list<std::int64_t> Order; // most recent first
  std::unordered_map<std::int64_t, std::pair<Block, std::list<std::int64_t>::iterator>> Entries;
};

} // namespace neuroplayback
