// test_sim_sources.cpp: compiles fleetsim's library sources into the unit tests (the fleetsim
// target is an executable, so its sources are not in a library the tests could link). Every
// other test_sim_*.cpp uses only the simulator headers.
#include "simulator/activity.cpp"
#include "simulator/alert_file.cpp"
#include "simulator/baseline.cpp"
#include "simulator/encoders.cpp"
#include "simulator/facade_model.cpp"
#include "simulator/fleet.cpp"
#include "simulator/household_model.cpp"
#include "simulator/incidents.cpp"
#include "simulator/inventory.cpp"
#include "simulator/listen.cpp"
#include "simulator/score.cpp"
#include "simulator/sim_config.cpp"
#include "simulator/streams.cpp"
#include "simulator/traits.cpp"
