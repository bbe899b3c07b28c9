// The legal module's addresses, named once: the menu, the home page, the offer form and the
// dashboards link to them.

/** The public stipend simulator (no sign-in). */
export const SIMULATOR_PATH = '/tools/stipend';
/** The platform administrator's dated parameter table. */
export const PARAMETERS_PATH = '/admin/legal-parameters';
