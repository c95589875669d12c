// The module is its header (an inline function); SwiftPM wants one source file per C target.
#include "CPrefetch.h"
