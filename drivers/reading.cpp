// reading.cpp: names of decode error codes, as metrics and dead letters show them.
#include "drivers/reading.h"

namespace edgegw {

std::string_view to_string(DecodeErrorCode code) {
  switch (code) {
    case DecodeErrorCode::empty: return "empty";
    case DecodeErrorCode::too_large: return "too_large";
    case DecodeErrorCode::malformed: return "malformed";
    case DecodeErrorCode::bad_checksum: return "bad_checksum";
    case DecodeErrorCode::missing_field: return "missing_field";
    case DecodeErrorCode::wrong_type: return "wrong_type";
    case DecodeErrorCode::bad_value: return "bad_value";
    case DecodeErrorCode::bad_timestamp: return "bad_timestamp";
    case DecodeErrorCode::too_deep: return "too_deep";
    case DecodeErrorCode::unsupported: return "unsupported";
    case DecodeErrorCode::no_route: return "no_route";
  }
  return "unknown";
}

}  // namespace edgegw
