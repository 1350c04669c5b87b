// The Catch2 main for lunar-unit-tests: kept alone so that test files compile fast.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
