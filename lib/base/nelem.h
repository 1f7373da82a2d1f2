/* The number of elements of an array (never of a pointer). */
#ifndef ZEUES_NELEM_H
#define ZEUES_NELEM_H

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#endif
