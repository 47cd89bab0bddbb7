/*
 * ACPI tables (drivers/acpi.c): find the RSDP, hand the MADT's interrupt
 * wiring to the architecture code and the FADT/DSDT power-off and reset
 * registers to the power code.
 */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H

/* Tables outside the direct map are refused. */
void acpi_init(void);

#endif
