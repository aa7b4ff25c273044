// Starts the background work of a server process (job queue workers, session recovery); each feature adds its part here.
export async function startBackgroundWork() {}
