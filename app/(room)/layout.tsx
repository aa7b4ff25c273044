// The public room page's layout: the page draws its own frame (components/room/room-frame.tsx), with the logo and the
// promise that nothing is recorded, or without any chrome when embedded with <verbatim-room>.
export default function RoomLayout({ children }: { children: React.ReactNode }) {
  return children;
}
