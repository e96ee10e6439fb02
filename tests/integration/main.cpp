// main.cpp: the doctest runner for the integration tests (real Mosquitto, real RocksDB).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
