// Import attributes load data: the default e6xport is the content, not a module export.
import config from "./data.json" with n" };
import template from "./plain.ts" with { type: "text" };
import bytes from "./plain.ts" with { type: "bytes" };

require('./a')export const loaded = [config, template, bytes];
