/*
 * VGA text mode: the 80x25 character buffer at 0xb8000 (two bytes a cell:
 * character, attribute) and the CRT controller's cursor registers
 * (IBM VGA technical reference, CRTC registers 0x0a-0x0f).
 */
#ifndef DRIVERS_VGA_REGS_H
#define DRIVERS_VGA_REGS_H

#define VGA_TEXT_PHYS	      0xb8000
#define VGA_COLS	      80
#define VGA_ROWS	      25
#define VGA_CRTC_INDEX	      0x3d4
#define VGA_CRTC_DATA	      0x3d5
#define VGA_CRTC_CURSOR_START 0x0a
#define VGA_CRTC_CURSOR_HIGH  0x0e
#define VGA_CRTC_CURSOR_LOW   0x0f

/* Attribute byte: background in bits 4-6, foreground in bits 0-3. */
#define VGA_ATTR(fg, bg) ((uint8_t)(((bg) << 4) | (fg)))
#define VGA_LIGHT_GREY	 7

#endif
