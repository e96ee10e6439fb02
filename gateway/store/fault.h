// fault.h: fault injection at the gateway's write boundaries, for tests that must kill the
// process exactly between two writes (a random kill loop rarely lands there). A process started
// with EDGEGW_KILL_AT=<point>:<n> sends itself SIGKILL at <point> when its count reaches n
// (from 1): alerts points count alerts (the write that holds the n-th alert), state points the
// messages the writes are for (the write for the n-th message), trim points the trims. Counting
// alerts and messages, not writes, keeps a point at the same place in a test's stream however
// the ingest batched the messages. Compiled in only when EDGEGW_FAULT_INJECTION is defined (CMake
// option of the same name: ON for the test build, OFF for packages); otherwise reach() does
// nothing.
//
// Points (gateway/gateway.cpp, gateway/uplink/uplink.cpp):
//   alerts.before_write  alerts and the state that raised them about to be written (synced)
//   alerts.after_write   that write returned; the broker has not been acknowledged yet
//   state.before_write   state changed without an alert, about to be written (WAL)
//   state.after_write    that write returned
//   trim.before_write    upstream acknowledged a batch; the outbox trim about to be written
//
// Power cuts, in test builds: EDGEGW_LOSE_UNSYNCED=1 keeps unsynced detector state out of the
// database until the next sync (as the page cache holds it until a power cut loses it), so that
// a kill -9 loses exactly what a power cut would; EDGEGW_BOOT_ID replaces the kernel's boot id
// (/proc/sys/kernel/random/boot_id) so that a restart can look like a reboot.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace edgegw {

class FaultPoints {
 public:
  FaultPoints();  // reads EDGEGW_KILL_AT, EDGEGW_LOSE_UNSYNCED (test builds only)
  // Reached `point` for `count` more of what it counts.
  void reach(std::string_view point, uint64_t count = 1) {
#ifdef EDGEGW_FAULT_INJECTION
    if (point_.empty() || point != point_ || count == 0) return;
    seen_ += count;
    if (seen_ >= at_ && seen_ - count < at_) kill_now();
#else
    (void)point;
    (void)count;
#endif
  }
  bool lose_unsynced() const {
    return lose_unsynced_;
  }

 private:
  [[noreturn]] void kill_now();
  bool lose_unsynced_ = false;
  std::string point_;
  uint64_t at_ = 0, seen_ = 0;
};

// This boot's id: /proc/sys/kernel/random/boot_id (EDGEGW_BOOT_ID in test builds); empty when
// unknown.
std::string current_boot_id();

}  // namespace edgegw
