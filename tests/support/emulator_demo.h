/*
 * The emulator on the demo workbook `make run` serves (scripts/run-stack):
 * zeues-demo-gen with its own defaults, so a test walks exactly what a
 * newcomer sees after `make run`, not the smaller seeded demo of
 * emu_start().
 */
#ifndef ZEUES_TEST_EMULATOR_DEMO_H
#define ZEUES_TEST_EMULATOR_DEMO_H

#include "emulator_fixture.h"

/* Like emu_start(), on make run's demo; stop it with emu_stop(). */
int	emu_start_demo(struct emu *);

#endif
