// cmd_decode.cpp: `edgegw decode`: print an upstream AlertBatch message as JSON lines.
#include <iostream>

#include "gateway/cli/commands.h"
#include "gateway/alert/alert_codec.h"

namespace edgegw {

int cmd_decode(const std::string& input) {
  std::string bytes;
  try {
    bytes = read_input(input);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  auto batch = decode_batch(bytes);
  if (!batch) {
    std::cerr << "error: not a valid AlertBatch FlatBuffer (" << bytes.size() << " bytes)\n";
    return 1;
  }
  for (const Alert& a : batch->alerts) std::cout << alert_to_json(batch->gateway_id, a) << "\n";
  return 0;
}

}  // namespace edgegw
