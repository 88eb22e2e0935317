import { UsersView } from "@/components/Users/UsersView";

export const metadata = { title: "GridTokenX admin — Users" };

export default function Page() {
  return <UsersView />;
}
