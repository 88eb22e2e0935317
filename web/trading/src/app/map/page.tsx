import { MapView } from "@/components/MapView";

export const metadata = { title: "GridTokenX — grid map" };

export default function MapPage() {
  return <MapView />;
}
